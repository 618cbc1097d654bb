package main

import (
	"strings"
	"testing"
)

// script is perf script output in its default layout: five samples.
const script = `http 13828 28662.897919:     250000 cpu-clock: 
	ffffffff81e2e560 sock_recvmsg+0x50 ([kernel.kallsyms])
	ffffffff816bb8da ksys_read+0xba ([kernel.kallsyms])
	ffffffff821ef691 do_syscall_64+0x71 ([kernel.kallsyms])
	ffffffff81000130 entry_SYSCALL_64_after_hwframe+0x76 ([kernel.kallsyms])
	            96ae internal/runtime/syscall/linux.Syscall6+0xe (/tmp/bin2/http)

http 13828 28662.898169:     250000 cpu-clock: 
	ffffffff81e2e777 tcp_sendmsg_locked+0x10 ([kernel.kallsyms])
	ffffffff81e2e888 __sys_sendto+0x10 ([kernel.kallsyms])
	ffffffff81e2e999 __x64_sys_sendto+0x10 ([kernel.kallsyms])
	ffffffff821ef691 do_syscall_64+0x71 ([kernel.kallsyms])
	          115eae github.com/asyncgo/asyncgo/rt/net.(*conn).send+0xce (/tmp/bin2/http)

http 13828 28662.898419:     250000 cpu-clock: 
	          1258d4 main.(*serveConnFuture).Poll+0x694 (/tmp/bin2/http)
	           e358d github.com/asyncgo/asyncgo/rt.(*header).poll+0x2d (/tmp/bin2/http)

http 13828 28662.898669:     250000 cpu-clock: 
	ffffffff821ef600 do_syscall_64+0x10 ([kernel.kallsyms])
	            96ae internal/runtime/syscall/linux.Syscall6+0xe (/tmp/bin2/http)

http 13829 28662.898919:     250000 cpu-clock: 
	ffffffff81111111 handle_softirqs+0x10 ([kernel.kallsyms])
	ffffffff81111112 asm_sysvec_apic_timer_interrupt+0x10 ([kernel.kallsyms])
	          1258d4 main.(*serveConnFuture).Poll+0x694 (/tmp/bin2/http)
`

func TestSplit(t *testing.T) {
	s, err := split(strings.NewReader(script))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{catRead: 1, catSend: 1, catUser: 1, catEntry: 1, catKernel: 1}
	if s.total != 5 {
		t.Fatalf("total %d, want 5", s.total)
	}
	for c, n := range want {
		if s.count[c] != n {
			t.Errorf("%s: %d samples, want %d (all: %v)", c, s.count[c], n, s.count)
		}
	}
	var b strings.Builder
	write(&b, s, 1, 1e6) // 1 CPU-s over a million operations: 1 µs each
	out := b.String()
	for _, line := range []string{"| send (sendto, write) | 20.0% | 0.200 |", "1.000 µs per operation"} {
		if !strings.Contains(out, line) {
			t.Errorf("output lacks %q:\n%s", line, out)
		}
	}
}

func TestSyscallCategory(t *testing.T) {
	for fn, want := range map[string]string{
		"ksys_write": catSend, "__x64_sys_sendto": catSend, "ksys_read": catRead,
		"__x64_sys_epoll_pwait": catEpoll, "__x64_sys_futex": catFutex,
		"__x64_sys_nanosleep": catSleep, "__x64_sys_close": catSyscall,
		"exit_to_user_mode_loop": catEntry,
	} {
		if got := syscallCategory(fn); got != want {
			t.Errorf("%s: %s, want %s", fn, got, want)
		}
	}
}
