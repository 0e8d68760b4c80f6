package org.vsriov.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The CPU time of a JVM's JIT compiler threads ("C1 CompilerThread0", "C2 CompilerThread0"), from
 * {@code /proc/PID/task/TID/comm} and {@code stat}. A compiler thread that runs for milliseconds at a
 * time holds a core of this 2-core machine, and a thread woken on that core may wait for the
 * scheduler's next tick: the peer scenario prints both JVMs' compilers' CPU (docs/decisions/0017).
 * <p>
 * Only the threads alive now count: a JVM that ended a compiler thread it had added (it adds them on
 * machines with more cores) loses that thread's time here. A process that is no JVM has none: 0.
 */
final class CompilerThreads {

	private CompilerThreads() {
	}

	/** The CPU time the compiler threads of process {@code pid} have used so far. */
	static long cpuNanos(long pid) {
		try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
			return tasks.mapToLong(CompilerThreads::compilerTicks).sum() * ServerProcess.NANOS_PER_TICK;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static long compilerTicks(Path task) {
		try {
			return isCompiler(Files.readString(task.resolve("comm")))
					? ServerProcess.cpuTicks(Files.readString(task.resolve("stat"))) : 0;
		}
		catch (IOException ex) {
			return 0; // the thread ended between the listing and the read (ENOENT or ESRCH)
		}
	}

	/** Whether a thread's name, as the kernel keeps it (15 characters and a newline), is a JIT compiler's. */
	static boolean isCompiler(String comm) {
		return comm.startsWith("C1 CompilerThre") || comm.startsWith("C2 CompilerThre");
	}

}
