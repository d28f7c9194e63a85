package org.optim4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code optim4j} launcher at the repository root: leading {@code -D…} and {@code -X…} arguments go
 * to the JVM (as {@code backends} suggests: {@code ./optim4j -Doptim4j.backend=simd train}), the rest to
 * the program. Run on a copy of the script beside an existing jar, with a {@code java} that prints its
 * arguments, so that nothing is built or started.
 */
class LauncherScriptTest {
    private static final Path SCRIPT = Path.of(System.getProperty("user.dir")).getParent().resolve("optim4j");

    private static List<String> javaArguments(Path root, String... args) throws IOException, InterruptedException {
        Files.copy(SCRIPT, root.resolve("optim4j"));
        Files.createDirectories(root.resolve("cli/target"));
        Files.writeString(root.resolve("cli/target/optim4j.jar"), "");
        Path bin = Files.createDirectories(root.resolve("bin"));
        Files.writeString(bin.resolve("java"), "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done\n");
        Files.writeString(bin.resolve("mvn"), "#!/bin/sh\necho 'mvn must not run' >&2\nexit 9\n");
        bin.resolve("java").toFile().setExecutable(true);
        bin.resolve("mvn").toFile().setExecutable(true);
        List<String> command = new ArrayList<>(List.of("bash", root.resolve("optim4j").toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out.lines().toList();
    }

    @Test
    void leadingSystemPropertiesAndJvmOptionsGoToTheJvm(@TempDir Path root) throws Exception {
        assumeTrue(Files.isRegularFile(SCRIPT) && Files.isExecutable(Path.of("/bin/bash")), "bash and the script");
        List<String> java = javaArguments(root, "-Doptim4j.backend=scalar", "-Xmx2g", "train", "--epochs", "1",
                "-Dnot.for.java=1");
        int jar = java.indexOf("-jar");
        assertTrue(jar > 0, java.toString());
        assertTrue(java.indexOf("-Doptim4j.backend=scalar") < jar, "system property before -jar: " + java);
        assertTrue(java.indexOf("-Xmx2g") >= 0 && java.indexOf("-Xmx2g") < jar, "heap option before -jar: " + java);
        assertEquals(List.of("train", "--epochs", "1", "-Dnot.for.java=1"), java.subList(jar + 2, java.size()),
                "the command's own arguments, untouched");
        assertTrue(java.contains("-Djava.awt.headless=true"), java.toString());
        // This test's stderr is a pipe, not a terminal: the program is told so (no progress bars).
        assertTrue(java.subList(0, jar).contains("-D" + Progress.TTY_PROPERTY + "=false"), java.toString());
    }
}
