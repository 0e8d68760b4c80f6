package org.vsriov.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The CPU time of a JVM's JIT compiler threads, from /proc. */
class CompilerThreadsTest {

	private static final long PID = ProcessHandle.current().pid();

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
	void aThreadByACompilersNameShouldCountAndOneByAnotherNameNot() throws Exception {
		// The JVM gives a thread it starts its name in the kernel too: one named like a compiler
		// thread is counted, and one named otherwise is not, whatever CPU each uses.
		long before = CompilerThreads.cpuNanos(PID);
		try (var lookalike = Spinner.start("C2 CompilerThread9", 200); var other = Spinner.start("worker", 200)) {
			lookalike.spun.await();
			other.spun.await();
			long counted = CompilerThreads.cpuNanos(PID) - before;
			// Ticks of 10 ms; the JVM's own compilers may have added some too, but not the other spinner's.
			assertThat(counted).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(180));
			assertThat(counted).isLessThan(TimeUnit.MILLISECONDS.toNanos(380));
		}
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

	/** A thread that uses {@code millis} of CPU, then stays alive (so that /proc still lists it) until closed. */
	private static final class Spinner implements AutoCloseable {

		final CountDownLatch spun = new CountDownLatch(1);

		private final CountDownLatch done = new CountDownLatch(1);

		private final Thread thread;

		private Spinner(String name, long millis) {
			ThreadMXBean threads = ManagementFactory.getThreadMXBean();
			this.thread = new Thread(() -> {
				long until = threads.getCurrentThreadCpuTime() + TimeUnit.MILLISECONDS.toNanos(millis);
				while (threads.getCurrentThreadCpuTime() < until) {
					Thread.onSpinWait();
				}
				this.spun.countDown();
				try {
					this.done.await();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}, name);
			this.thread.start();
		}

		static Spinner start(String name, long millis) {
			return new Spinner(name, millis);
		}

		@Override
		public void close() throws InterruptedException {
			this.done.countDown();
			this.thread.join();
		}

	}

}
