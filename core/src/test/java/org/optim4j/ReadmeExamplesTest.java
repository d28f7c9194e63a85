package org.optim4j;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java examples of README.md compile against the library as written: every ```java block, in order, as one
 * method (imports collected at the top; {@code computeGradients} is the reader's own back-propagation).
 */
class ReadmeExamplesTest {
    @TempDir
    Path out;

    @Test
    void theReadmeJavaExamplesCompile() throws IOException {
        List<String> lines = Files.readAllLines(Path.of("..", "README.md"));
        Set<String> imports = new LinkedHashSet<>();
        StringBuilder body = new StringBuilder();
        boolean inJava = false;
        int blocks = 0;
        for (String line : lines) {
            if (line.trim().equals("```java")) {
                inJava = true;
                blocks++;
            } else if (inJava && line.trim().equals("```")) {
                inJava = false;
            } else if (inJava && line.startsWith("import ")) {
                imports.add(line);
            } else if (inJava) {
                body.append("        ").append(line).append('\n');
            }
        }
        assertTrue(blocks >= 2, "README.md has " + blocks + " java blocks");
        String source = String.join("\n", imports) + "\n\nclass ReadmeExamples {\n"
                + "    static void computeGradients(org.optim4j.ParameterSet params, org.optim4j.ParameterSet grads) {\n"
                + "    }\n\n    static void run() throws Exception {\n" + body + "    }\n}\n";
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        StringWriter diagnostics = new StringWriter();
        JavaFileObject file = new SimpleJavaFileObject(URI.create("string:///ReadmeExamples.java"),
                JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return source;
            }
        };
        List<String> options = new ArrayList<>(List.of("-classpath", System.getProperty("java.class.path"),
                "-d", out.toString(), "-proc:none"));
        boolean ok = javac.getTask(diagnostics, null, null, options, null, List.of(file)).call();
        assertTrue(ok, "README's Java examples do not compile:\n" + diagnostics + "\n" + source);
    }
}
