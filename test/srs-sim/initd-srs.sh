#!/bin/bash
### BEGIN INIT INFO
# Provides:          srs
# Required-Start:    $all
# Required-Stop:     $all
# Default-Start:     2 3 4 5
# Default-Stop:      0 1 6
# Short-Description: SRS (Simple Realtime Server), simulated
# Description:       init.d script of the srs-chatops SRS simulator (written from the service contract and what
#                    SRS's own script was seen to do: texts, exit codes, `ps -p` as the only liveness test)
### END INIT INFO

# The install step rewrites ROOT to the install directory.
ROOT="./"
APP="./objs/srs"
CONFIG="./conf/srs.conf"
DEFAULT_PID_FILE="./objs/srs.pid"
DEFAULT_LOG_FILE="./objs/srs.log"

ok_msg() {
    printf '%s\033[60G\033[0m[\033[32m  OK  \033[0m]\n' "$1"
}

failed_msg() {
    printf '%s\033[60G\033[0m[\033[31mFAILED\033[0m]\n' "$1"
}

# Second field of the config's unindented lines starting with NAME, up to a ';' (else DEFAULT).
config_value() {
    local v
    v=$(cd "${ROOT}" && grep "^$1" "${CONFIG}" | awk '{ sub(/;.*/, "", $2); print $2 }')
    if [[ -z "${v}" ]]; then v="$2"; fi
    echo "${v}"
}

# Absolute path of a path relative to ROOT (its directory resolved by cd).
abs_path() {
    echo "$(cd "${ROOT}"; cd "$(dirname "$1")"; pwd)/$(basename "$1")"
}

# Sets pid_file, srs_pid, error_msg and ret. Returns 0 when `ps -p` finds the pid file's process (whatever it is:
# a zombie or a recycled pid counts as running), 1 when there is no pid file, 2 otherwise.
load_process_info() {
    pid_file=$(abs_path "$(config_value pid "${DEFAULT_PID_FILE}")")
    srs_pid=$(cat "${pid_file}" 2>/dev/null)
    ret=$?; if [[ ${ret} -ne 0 ]]; then error_msg="No pid file ${pid_file}"; return 1; fi
    ps -p ${srs_pid} >/dev/null 2>&1
    ret=$?; if [[ ${ret} -ne 0 ]]; then error_msg="Process ${srs_pid} does not exists"; return 2; fi
    return 0
}

start() {
    load_process_info
    if [[ $? -eq 0 ]]; then failed_msg "SRS started(pid ${srs_pid}), should not start it again."; return 1; fi
    ok_msg "Starting SRS..."
    log_file=$(abs_path "$(config_value srs_log_file "${DEFAULT_LOG_FILE}")")
    # SRS's script allows core dumps here; the simulator writes its own small stand-in instead (see daemon.js).
    (ulimit -c 0; cd "${ROOT}" && ${APP} -c ${CONFIG} >> "${log_file}.sys" 2>&1)
    local i
    for ((i = 0; i < 5; i++)); do
        sleep 0.1
        load_process_info
        ret=$?; if [[ ${ret} -ne 0 ]]; then
            failed_msg "SRS start failed"
            failed_msg "see ${log_file}"
            return ${ret}
        fi
    done
    load_process_info
    ret=$?; if [[ ${ret} -eq 0 ]]; then ok_msg "SRS started(pid ${srs_pid})"; return 0; fi
    failed_msg "SRS not started"
    return ${ret}
}

stop() {
    load_process_info
    if [[ $? -ne 0 ]]; then failed_msg "SRS not start."; return 0; fi
    ok_msg "Stopping SRS(pid ${srs_pid})..."
    local i
    for ((i = 0; i < 100; i++)); do
        load_process_info
        if [[ $? -eq 0 ]]; then
            kill -s SIGTERM ${srs_pid} 2>/dev/null
            ret=$?; if [[ ${ret} -ne 0 ]]; then failed_msg "send signal SIGTERM failed ret=${ret}"; return ${ret}; fi
            sleep 0.3
        else
            ok_msg "SRS stopped by SIGTERM"
            rm -f "${pid_file}"
            break
        fi
    done
    load_process_info
    if [[ $? -eq 0 ]]; then
        kill -s SIGKILL ${srs_pid} 2>/dev/null
        ret=$?; if [[ ${ret} -ne 0 ]]; then failed_msg "send signal SIGKILL failed ret=${ret}"; return ${ret}; fi
        ok_msg "SRS stopped by SIGKILL"
    else
        rm -f "${pid_file}"
    fi
    sleep 0.1
    return 0
}

status() {
    load_process_info
    if [[ $? -eq 0 ]]; then ok_msg "SRS(pid ${srs_pid}) is running."; return 0; fi
    failed_msg "Error: ${error_msg}"
    return 1
}

reload() {
    load_process_info
    if [[ $? -ne 0 ]]; then failed_msg "SRS not start."; return 0; fi
    ok_msg "Reload SRS(pid ${srs_pid})..."
    kill -s SIGHUP ${srs_pid} 2>/dev/null
    ret=$?; if [[ ${ret} -ne 0 ]]; then failed_msg "Reload SRS failed ret=${ret}"; return ${ret}; fi
    load_process_info
    if [[ $? -ne 0 ]]; then failed_msg "SRS reload failed."; return ${ret}; fi
    ok_msg "SRS reloaded"
    return 0
}

# send_signal SIGNAL "first line" "second line": rotate and grace (the signal's result is not checked).
send_signal() {
    load_process_info
    if [[ $? -ne 0 ]]; then failed_msg "SRS not start."; return 0; fi
    ok_msg "$2"
    kill -s "$1" ${srs_pid}
    ok_msg "$3"
    return 0
}

menu() {
    case "$1" in
        start) start ;;
        stop) stop ;;
        restart) stop; start ;;
        status) status ;;
        reload) reload ;;
        rotate) load_process_info; send_signal SIGUSR1 "Reopen log file of SRS(pid ${srs_pid})..." "Log rotated" ;;
        grace) load_process_info; send_signal SIGQUIT "Gracefully quit for SRS(pid ${srs_pid})..." "Gracefully quit" ;;
        *)
            echo "Usage: $0 {start|stop|status|restart|reload|rotate|grace}"
            echo "    reload    Apply log file by not restarting SRS"
            echo "    rotate    For log rotate, to send SIGUSR1 to SRS to reopen the log file."
            echo "    grace    For gracefully quit, to send SIGQUIT to SRS."
            return 1
            ;;
    esac
}

menu "$1"
exit $?
