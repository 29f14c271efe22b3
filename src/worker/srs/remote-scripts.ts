/**
 * The only shell text the worker sends to hosts: constant scripts run as `sh -c SCRIPT NAME ARGS...`. Arguments are
 * config values (validated paths, numbers) passed as positional parameters, quoted; never user text.
 */

/**
 * Reads the host's SRS state the way SRS's init.d script does (pid from the config's unindented top-level `pid`
 * line, else the default), then cross-checks /proc (zombie and its parent, recycled pid) and the sockets: established
 * connections on the media ports, and each listening media/API port with the processes holding it (pid, name,
 * command line, cwd), so that a port taken by another program is told apart from SRS.
 * Args: ROOT CONFIG API_PORT MEDIA_PORT...
 */
export const PROBE_SCRIPT = `
root=$1; conf=$2; api=$3; shift 3
cd "$root" 2>/dev/null || { echo "error=root_missing"; exit 0; }
pidf=; logf=; pid=
if [ -f "$conf" ]; then
  vals=$(sed -n -e 's/^pid[[:space:]][[:space:]]*\\([^;[:space:]]*\\).*/p \\1/p' -e 's/^srs_log_file[[:space:]][[:space:]]*\\([^;[:space:]]*\\).*/l \\1/p' "$conf" 2>/dev/null)
  seen=
  while IFS= read -r v; do
    case $v in
      "p "*) case $seen in *p*) ;; *) pidf=\${v#p }; seen="\${seen}p" ;; esac ;;
      "l "*) case $seen in *l*) ;; *) logf=\${v#l }; seen="\${seen}l" ;; esac ;;
    esac
  done <<EOF_VALS
$vals
EOF_VALS
else
  echo "error=config_missing"
fi
[ -n "$pidf" ] || pidf=./objs/srs.pid
[ -n "$logf" ] || logf=./objs/srs.log
echo "pid_file=$pidf"
echo "log_file=$logf"
if [ -f "$pidf" ]; then
  line=; more=
  { IFS= read -r line; IFS= read -r more && more="\${more}x"; } < "$pidf" 2>/dev/null
  case "$more:$line" in
    :*[!0-9]*|:|:???????????*|?*:*) pid=$(tr -cd '0-9' < "$pidf" | cut -c1-10) ;;
    *) pid=$line ;;
  esac
  echo "pid=$pid"
  if [ -n "$pid" ] && [ -r "/proc/$pid/status" ]; then
    st=; pp=
    while IFS= read -r l; do case $l in State:*) st=\${l#State:} ;; PPid:*) pp=\${l#PPid:}; break ;; esac; done < "/proc/$pid/status" 2>/dev/null
    st=\${st#"\${st%%[![:space:]]*}"}; st=\${st%"\${st#?}"}
    pp=\${pp#"\${pp%%[![:space:]]*}"}
    echo "proc_state=$st"
    echo "proc_ppid=$pp"
    echo "proc_cmdline=$(tr -c '[:print:]' ' ' < "/proc/$pid/cmdline" 2>/dev/null | cut -c1-300)"
    echo "proc_cwd=$(readlink "/proc/$pid/cwd" 2>/dev/null)"
    # A zombie waits for its parent to reap it: name the parent.
    [ "$st" = Z ] && [ -n "$pp" ] && echo "parent_cmdline=$(tr -c '[:print:]' ' ' < "/proc/$pp/cmdline" 2>/dev/null | cut -c1-300)"
  fi
fi
[ -f "$logf" ] && echo "log_stat=$(stat -c '%i %s' "$logf")"
[ -f "$logf.sys" ] && echo "sys_stat=$(stat -c '%i %s' "$logf.sys")"
filt=""; for port in "$@"; do filt="$filt\${filt:+ or }sport = :$port"; done
if command -v ss >/dev/null 2>&1; then
  [ -n "$filt" ] && echo "established=$(ss -Htn state established "( $filt )" 2>/dev/null | wc -l)"
  # Listeners with the processes holding them (ss names every process only for root; else the SSH user's own).
  lis=$(ss -Hltnp "( $filt\${filt:+ or }sport = :$api )" 2>/dev/null)
  printf '%s\\n' "$lis" | awk 'NF { u = index($0, "users:("); print "listen=" $4 (u ? " " substr($0, u) : "") }'
  for o in $(printf '%s\\n' "$lis" | tr ',' '\\n' | sed -n 's/^pid=\\([0-9][0-9]*\\)$/\\1/p' | sort -u); do
    [ "$o" = "$pid" ] && continue
    echo "owner_cmdline=$o $(tr -c '[:print:]' ' ' < "/proc/$o/cmdline" 2>/dev/null | cut -c1-300)"
    echo "owner_cwd=$o $(readlink "/proc/$o/cwd" 2>/dev/null)"
  done
fi
echo "probe=done"
`;

/**
 * Prints the log written since a position: `log_stat=INODE SIZE`, a `---` line, then at most MAX bytes. When the file
 * was replaced (other inode) or truncated, reads the new file from its start.
 * Args: ROOT LOGFILE INODE OFFSET MAX
 */
export const LOG_SINCE_SCRIPT = `
cd "$1" 2>/dev/null || { echo "error=root_missing"; exit 0; }
f=$2; ino=$3; off=$4; max=$5
if [ ! -f "$f" ]; then echo "log_stat=0 0"; echo ---; exit 0; fi
cur=$(stat -c '%i %s' "$f"); echo "log_stat=$cur"; echo ---
set -- $cur
if [ "$1" != "$ino" ] || [ "$2" -lt "$off" ]; then off=0; fi
tail -c +$((off + 1)) "$f" | head -c "$max"
`;

/**
 * Environment for `objs/srs -t`: an AddressSanitizer build (SRS's configure default on Debian) prints `test is
 * successful`, then a LeakSanitizer report and exits 1; `detect_leaks=0` keeps the exit code SRS's own. Appended to
 * any ASAN_OPTIONS already set (the last value of an option wins).
 */
const ASAN_NO_LEAKS = 'ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"; export ASAN_OPTIONS';

/** Tests a config as SRS does (`objs/srs -t -c FILE` from ROOT), leak detection off. Args: ROOT CONFIG */
export const CONFIG_TEST_SCRIPT = `cd "$1" || exit 3; ${ASAN_NO_LEAKS}; exec ./objs/srs -t -c "$2" 2>&1`;

/** Runs the install's init.d script with one verb (from the allowlist). Args: ROOT VERB */
export const INITD_SCRIPT = `cd "$1" || exit 3; exec ./etc/init.d/srs "$2" 2>&1`;

/** Builds the argv for one of the scripts above. */
export function scriptArgv(script: string, name: string, args: readonly string[]): string[] {
  return ['sh', '-c', script, name, ...args];
}

/**
 * Reads how SRS is installed as a system service, as SRS's docs describe it: binary, config, script, the init.d link
 * and the script's ROOT, update-rc.d/chkconfig registration, the systemd unit copy and whether it is enabled.
 * The config test runs as the login, or with HELPER set (`become: sudo`) through `sudo -n HELPER config-test`.
 * Args: ROOT CONFIG INITD_LINK RC_ROOT UNIT_DIR SYSTEMCTL MANAGER [HELPER]
 */
export const DOCTOR_SCRIPT = `
root=$1; conf=$2; link=$3; rc=$4; unitdir=$5; sysctl=$6; mgr=$7; helper=\${8:-}
if [ -d "$root" ]; then echo "root=ok"; else echo "root=missing"; fi
echo "root_real=$(readlink -f "$root" 2>/dev/null)"
if [ -x "$root/objs/srs" ]; then echo "binary=ok"; else echo "binary=missing"; fi
case "$conf" in /*) cf=$conf ;; *) cf=$root/$conf ;; esac
if [ -f "$cf" ]; then echo "config=ok"; else echo "config=missing"; fi
s=$root/etc/init.d/srs
if [ -x "$s" ]; then echo "script=ok"; else echo "script=missing"; fi
echo "script_root=$(sed -n 's/^ROOT=["]\\{0,1\\}\\([^"]*\\)["]\\{0,1\\}.*/\\1/p' "$s" 2>/dev/null | head -n 1)"
if [ -L "$link" ]; then echo "link_target=$(readlink -f "$link")"; elif [ -e "$link" ]; then echo "link=not_a_link"; else echo "link=missing"; fi
reg=0
for f in "$rc"/rc[2345].d/S*srs "$rc"/rc.d/rc[2345].d/S*srs; do [ -e "$f" ] && reg=1; done
echo "initd_registered=$reg"
if [ "$mgr" = systemd ]; then
  if [ -f "$unitdir/srs.service" ]; then echo "unit=ok"; else echo "unit=missing"; fi
  echo "enabled=$("$sysctl" is-enabled srs 2>/dev/null | head -n 1)"
fi
if [ -x "$root/objs/srs" ] && [ -f "$cf" ]; then
  if [ -n "$helper" ]; then out=$(sudo -n "$helper" config-test "$root" "$conf" 2>&1); rc=$?
  else out=$(cd "$root" && ${ASAN_NO_LEAKS} && ./objs/srs -t -c "$conf" 2>&1); rc=$?; fi
  echo "config_test_exit=$rc"
  printf '%s\\n' "$out" | tail -n 40 | tr -cd '[:print:]\\n\\033' | cut -c1-300 | sed 's/^/config_test_out=/'
fi
echo "doctor=done"
`;

/**
 * Reads the grace directives from the config's top level, and the SRS_GRACE_* / SRS_FORCE_GRACE_QUIT overrides from
 * the running process's environment (which the init.d script never sees). Args: ROOT CONFIG PID
 */
export const GRACE_SETTINGS_SCRIPT = `
cd "$1" 2>/dev/null || exit 0
v() { sed -n "s/^[[:space:]]*$1[[:space:]][[:space:]]*\\([^;[:space:]]*\\)[[:space:]]*;.*/\\1/p" "$2" 2>/dev/null | head -n 1; }
echo "conf_start_wait=$(v grace_start_wait "$2")"
echo "conf_final_wait=$(v grace_final_wait "$2")"
echo "conf_force=$(v force_grace_quit "$2")"
if [ -n "$3" ] && [ -r "/proc/$3/environ" ]; then
  tr '\\000' '\\n' < "/proc/$3/environ" | grep -E '^SRS_(GRACE_START_WAIT|GRACE_FINAL_WAIT|FORCE_GRACE_QUIT)=' | sed 's/^/env_/'
fi
echo "grace=done"
`;

/**
 * After SRS died: the TCP ports its config listens on (`listen` directives, any section) with the processes holding
 * them now (`ss -ltnp`), and core files in ROOT newer than the pid file (or any, without one).
 * Args: ROOT CONFIG PIDFILE
 */
export const CRASH_CLUES_SCRIPT = `
cd "$1" 2>/dev/null || { echo "error=root_missing"; exit 0; }
conf=$2; pidf=$3
ports=$(sed -n 's/^[[:space:]]*listen[[:space:]][[:space:]]*\\([^;]*\\);.*/\\1/p' "$conf" 2>/dev/null | tr ' \\t' '\\n\\n' | sed -n 's/.*[^0-9]//; /^[0-9][0-9]*$/p' | sort -un | head -n 20)
filt=""; for p in $ports; do echo "conf_port=$p"; filt="$filt\${filt:+ or }sport = :$p"; done
if [ -n "$filt" ] && command -v ss >/dev/null 2>&1; then ss -Hltnp "( $filt )" 2>/dev/null | head -n 20 | sed 's/^/listen=/'; fi
if [ -f "$pidf" ]; then find . -maxdepth 1 -type f -name 'core*' -newer "$pidf" 2>/dev/null | head -n 3 | sed 's/^/core=/'
else find . -maxdepth 1 -type f -name 'core*' 2>/dev/null | head -n 3 | sed 's/^/core=/'; fi
echo "clues=done"
`;

/**
 * One tick of following a graceful quit: the media connections and listening ports, then the pid's state, then the
 * log written since a position (as LOG_SINCE_SCRIPT). The state is read after the sockets: when it says the process
 * still lives, the count was taken while it lived (5.0 drops every socket the moment it exits).
 * Args: ROOT LOGFILE INODE OFFSET MAX PID API_PORT MEDIA_PORT...
 */
export const FOLLOW_SCRIPT = `
root=$1; f=$2; ino=$3; off=$4; max=$5; pid=$6; api=$7; shift 7
cd "$root" 2>/dev/null || { echo "error=root_missing"; exit 0; }
filt=""; for p in "$@"; do filt="$filt\${filt:+ or }sport = :$p"; done
if command -v ss >/dev/null 2>&1; then
  [ -n "$filt" ] && echo "established=$(ss -Htn state established "( $filt )" 2>/dev/null | wc -l)"
  ss -Hltn "( $filt\${filt:+ or }sport = :$api )" 2>/dev/null | awk '{print "listen=" $4}'
fi
if [ -r "/proc/$pid/status" ]; then echo "proc_state=$(sed -n 's/^State:[[:space:]]*\\(.\\).*/\\1/p' "/proc/$pid/status")"; else echo "proc_state=gone"; fi
if [ ! -f "$f" ]; then echo "log_stat=0 0"; echo ---; exit 0; fi
cur=$(stat -c '%i %s' "$f"); echo "log_stat=$cur"; echo ---
set -- $cur
if [ "$1" != "$ino" ] || [ "$2" -lt "$off" ]; then off=0; fi
tail -c +$((off + 1)) "$f" | head -c "$max"
`;

/**
 * Sends SIGINT or SIGKILL to the SRS of this root, refusing a pid that is no longer SRS (recycled) or already exited
 * (zombie). Right before the signal it prints `established=N`: the media connections the signal forces off.
 * Args: ROOT PID SIGNAL (INT or KILL, from the worker's constants) MEDIA_PORT...
 */
export const KILL_SCRIPT = `
root=$1; pid=$2; sig=$3; shift 3
case "$sig" in INT|KILL) ;; *) echo "refused=bad_signal"; exit 0 ;; esac
[ -r "/proc/$pid/cmdline" ] || { echo "refused=gone"; exit 0; }
case "$(sed -n 's/^State:[[:space:]]*\\(.\\).*/\\1/p' "/proc/$pid/status" 2>/dev/null)" in Z|X) echo "refused=gone"; exit 0 ;; esac
cmd=$(tr '\\000' ' ' < "/proc/$pid/cmdline")
case "$cmd" in *objs/srs*) ;; *) echo "refused=not_srs"; exit 0 ;; esac
filt=""; for p in "$@"; do filt="$filt\${filt:+ or }sport = :$p"; done
if [ -n "$filt" ] && command -v ss >/dev/null 2>&1; then echo "established=$(ss -Htn state established "( $filt )" 2>/dev/null | wc -l)"; fi
kill -s "$sig" "$pid" && echo "sent=$sig"
`;

/**
 * For `doctor` on a `become: sudo` host: the login user, sudo's own list of what it may run (`sudo -n -l`, never
 * prompting), whether sudo would also run a shell, `kill` or any command (a rule that wide makes the helper pointless),
 * the helper's `check` dry run when the rule allows it, and whether the install command is allowed. Changes nothing.
 * Args: HELPER ROOT INSTALL_PROGRAM
 */
export const SUDO_CHECK_SCRIPT = `
helper=$1; root=$2; inst=$3
echo "user=$(id -un)"
command -v sudo >/dev/null 2>&1 || { echo "sudo=missing"; echo "sudo_check=done"; exit 0; }
out=$(sudo -n -l 2>&1); echo "list_exit=$?"
printf '%s\\n' "$out" | head -n 60 | cut -c1-4000 | sed 's/^/list=/'
for c in /bin/sh /bin/bash /bin/kill /usr/bin/kill /usr/bin/id; do sudo -n -l "$c" >/dev/null 2>&1 && echo "allows=$c"; done
if sudo -n -l "$helper" check "$root" >/dev/null 2>&1; then
  c=$(sudo -n "$helper" check "$root" 2>&1); echo "check_exit=$?"
  printf '%s\\n' "$c" | head -n 20 | cut -c1-400 | sed 's/^/check=/'
else echo "helper_allowed=no"; fi
[ -n "$inst" ] && [ ! -x "$inst" ] && echo "install_missing=yes"
if [ -n "$inst" ]; then if sudo -n -l "$inst" >/dev/null 2>&1; then echo "install_allowed=yes"; else echo "install_allowed=no"; fi; fi
echo "sudo_check=done"
`;
