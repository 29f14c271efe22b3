#!/bin/bash
### BEGIN INIT INFO
# Provides:          srs
# Required-Start:    $all
# Required-Stop:     $all
# Default-Start:     2 3 4 5
# Default-Stop:      0 1 6
# Short-Description: SRS (Simple Realtime Server), simulated
# Description:       init.d script of the srs-chatops SRS simulator (written from the service contract)
### END INIT INFO

# The install step rewrites ROOT to the install directory.
ROOT="./"
APP="./objs/srs"
CONFIG="./conf/srs.conf"
DEFAULT_PID_FILE="./objs/srs.pid"
DEFAULT_LOG_FILE="./objs/srs.log"

cd "${ROOT}" || exit 1

ok_msg() {
    printf '%s\033[60G\033[0m[\033[32m  OK  \033[0m]\n' "$1"
}

failed_msg() {
    printf '%s\033[60G\033[0m[\033[31mFAILED\033[0m]\n' "$1"
}

# Value of an unindented top-level directive of the config, else the default.
config_value() {
    local v
    v=$(sed -n "s/^$1[[:space:]]\{1,\}\([^;[:space:]]*\).*/\1/p" "${CONFIG}" 2>/dev/null | head -n 1)
    if [[ -z "${v}" ]]; then v="$2"; fi
    echo "${v}"
}

abs_path() {
    case "$1" in
        /*) echo "$1" ;;
        *) echo "$(pwd)/${1#./}" ;;
    esac
}

pid_file=$(config_value pid "${DEFAULT_PID_FILE}")
log_file=$(config_value srs_log_file "${DEFAULT_LOG_FILE}")

# "running" is `ps -p PID` (a zombie, state Z, is not counted: this machine's init may never reap it).
pid_alive() {
    local st
    st=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
    [[ -n "${st}" && "${st}" != Z* ]]
}

# Sets srs_pid; returns 0 running, 1 no pid file, 2 stale pid.
load_process_info() {
    srs_pid=""
    if [[ ! -f "${pid_file}" ]]; then return 1; fi
    srs_pid=$(cat "${pid_file}" 2>/dev/null)
    if [[ -z "${srs_pid}" ]]; then return 2; fi
    if pid_alive "${srs_pid}"; then return 0; fi
    return 2
}

start() {
    if load_process_info; then
        failed_msg "SRS started(pid ${srs_pid}), should not start it again."
        return 1
    fi
    ok_msg "Starting SRS..."
    "${APP}" -c "${CONFIG}" >> "${log_file}.sys" 2>&1
    if [[ $? -ne 0 ]]; then
        failed_msg "SRS start failed"
        failed_msg "see $(abs_path "${log_file}")"
        return 1
    fi
    local i
    for ((i = 0; i < 5; i++)); do
        if load_process_info; then
            ok_msg "SRS started(pid ${srs_pid})"
            return 0
        fi
        sleep 0.1
    done
    failed_msg "SRS start failed"
    failed_msg "see $(abs_path "${log_file}")"
    return 2
}

stop() {
    if ! load_process_info; then
        failed_msg "SRS not start."
        return 0
    fi
    ok_msg "Stopping SRS(pid ${srs_pid})..."
    local i
    for ((i = 0; i < 100; i++)); do
        kill -s SIGTERM "${srs_pid}" 2>/dev/null
        sleep 0.3
        if ! pid_alive "${srs_pid}"; then
            rm -f "${pid_file}"
            ok_msg "SRS stopped by SIGTERM"
            return 0
        fi
    done
    kill -s SIGKILL "${srs_pid}" 2>/dev/null
    ok_msg "SRS stopped by SIGKILL"
    return 0
}

status() {
    load_process_info
    case $? in
        0) ok_msg "SRS(pid ${srs_pid}) is running."; return 0 ;;
        1) failed_msg "Error: No pid file $(abs_path "${pid_file}")"; return 1 ;;
        *) failed_msg "Error: Process ${srs_pid} does not exists"; return 1 ;;
    esac
}

# send_signal SIGNAL "first line" "second line"
send_signal() {
    if ! load_process_info; then
        failed_msg "SRS not start."
        return 0
    fi
    ok_msg "$2"
    kill -s "$1" "${srs_pid}" 2>/dev/null
    ok_msg "$3"
    return 0
}

menu() {
    case "$1" in
        start) start ;;
        stop) stop ;;
        restart) stop; start ;;
        status) status ;;
        reload) load_process_info; send_signal SIGHUP "Reload SRS(pid ${srs_pid})..." "SRS reloaded" ;;
        rotate) load_process_info; send_signal SIGUSR1 "Reopen log file of SRS(pid ${srs_pid})..." "Log rotated" ;;
        grace) load_process_info; send_signal SIGQUIT "Gracefully quit for SRS(pid ${srs_pid})..." "Gracefully quit" ;;
        *)
            echo "Usage: $0 {start|stop|status|restart|reload|rotate|grace}"
            echo "     reload    Apply config file by SIGHUP."
            echo "     rotate    Reopen log file by SIGUSR1."
            echo "     grace     Gracefully quit by SIGQUIT (returns at once)."
            return 1
            ;;
    esac
}

menu "$1"
exit $?
