package bots

import (
	"bytes"
	"errors"
	"os"
	"strconv"
	"syscall"
)

// procStat is what we need from /proc/<pid>/stat.
type procStat struct {
	pid   int
	comm  string // executable name, truncated by the kernel to 15 bytes
	state byte   // 'Z' for a zombie
	ppid  int
	pgid  int
}

// readProcStat parses /proc/<pid>/stat. The command name may contain spaces
// and parentheses, so fields are counted from the last ')'.
func readProcStat(pid int) (procStat, error) {
	raw, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return procStat{}, err
	}
	i := bytes.LastIndexByte(raw, ')')
	open := bytes.IndexByte(raw, '(')
	if i < 0 || open < 0 || open > i {
		return procStat{}, errors.New("malformed stat")
	}
	f := bytes.Fields(raw[i+1:])
	if len(f) < 3 || len(f[0]) != 1 {
		return procStat{}, errors.New("malformed stat")
	}
	ppid, err1 := strconv.Atoi(string(f[1]))
	pgid, err2 := strconv.Atoi(string(f[2]))
	if err1 != nil || err2 != nil {
		return procStat{}, errors.New("malformed stat")
	}
	return procStat{pid: pid, comm: string(raw[open+1 : i]), state: f[0][0], ppid: ppid, pgid: pgid}, nil
}

// processRunning reports whether pid exists and is not a zombie.
func processRunning(pid int) bool {
	st, err := readProcStat(pid)
	return err == nil && st.state != 'Z'
}

// processGroup lists the processes (zombies included) in group pgid.
func processGroup(pgid int) []procStat {
	var out []procStat
	for _, st := range listProcs() {
		if st.pgid == pgid {
			out = append(out, st)
		}
	}
	return out
}

// listProcs reads every process's stat; ones that exit meanwhile are
// skipped.
func listProcs() []procStat {
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	out := make([]procStat, 0, len(ents))
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if st, err := readProcStat(pid); err == nil {
			out = append(out, st)
		}
	}
	return out
}

// crashpadComm is the kernel's (15-byte) name for chrome_crashpad_handler,
// which full chromium double-forks into its own process group.
const crashpadComm = "chrome_crashpad"

// reapGroup collects our zombie children in group pgid except skip (a
// child os/exec waits for: reaping it here would steal its status), and
// any zombie crashpad handler of ours. It waits for specific pids only,
// never wait(-1), so it cannot take the exit status of a child some other
// part of the process is waiting for. It returns how many processes of the
// group are still alive.
func reapGroup(pgid, skip int) (alive int) {
	self := os.Getpid()
	for _, st := range listProcs() {
		if st.pgid == pgid && st.state != 'Z' {
			alive++
			continue
		}
		if st.state == 'Z' && st.ppid == self && st.pid != skip && (st.pgid == pgid || st.comm == crashpadComm) {
			var ws syscall.WaitStatus
			_, _ = syscall.Wait4(st.pid, &ws, syscall.WNOHANG, nil)
		}
	}
	return alive
}
