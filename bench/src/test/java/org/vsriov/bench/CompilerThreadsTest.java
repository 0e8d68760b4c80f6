package org.vsriov.bench;

import java.lang.management.ManagementFactory;

import com.sun.management.OperatingSystemMXBean;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The CPU time of a JVM's JIT compiler threads, from /proc. */
class CompilerThreadsTest {

	@Test
	void compilerThreadsShouldBeKnownByTheNamesTheKernelKeeps() {
		// /proc/PID/task/TID/comm: the thread's name cut to 15 characters, and a newline.
		assertThat(CompilerThreads.isCompiler("C2 CompilerThre\n")).isTrue();
		assertThat(CompilerThreads.isCompiler("C1 CompilerThre\n")).isTrue();
		assertThat(CompilerThreads.isCompiler("GC Thread#0\n")).isFalse();
		assertThat(CompilerThreads.isCompiler("qtp330128595-37\n")).isFalse();
		assertThat(CompilerThreads.isCompiler("CompilerThread\n")).isFalse();
	}

	@Test
	void aJvmsCompilersShouldHaveUsedSomeOfItsCpuAndNoMore() {
		long process = ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
		long compilers = CompilerThreads.cpuNanos(ProcessHandle.current().pid());
		// This JVM has compiled the test framework by now: more than a tick of 10 ms.
		assertThat(compilers).isPositive().isLessThanOrEqualTo(process + ServerProcess.NANOS_PER_TICK);
	}

	@Test
	void aProcessThatIsNoJvmShouldHaveNone() throws Exception {
		Process sleep = new ProcessBuilder("sleep", "30").start();
		try {
			assertThat(CompilerThreads.cpuNanos(sleep.pid())).isZero();
		}
		finally {
			sleep.destroy();
		}
	}

}
