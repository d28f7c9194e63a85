package org.optim4j.reliability;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/** Starts a fresh JVM on the test class path, with the module flags this JVM was started with. */
final class ChildJvm {
    private ChildJvm() {
    }

    static ProcessBuilder command(Class<?> mainClass, List<String> jvmOptions, String... args) {
        List<String> cmd = new ArrayList<>();
        Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
        cmd.add(java.toString());
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            // Module flags and system properties; no agents or debuggers.
            if (a.startsWith("--add-") || a.startsWith("--enable-") || (a.startsWith("-D") && !a.startsWith("-Dsurefire"))) {
                cmd.add(a);
            }
        }
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        // Surefire runs tests from a manifest-only jar; its test class path is in this property.
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        cmd.add(cp);
        cmd.add(mainClass.getName());
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd);
    }
}
