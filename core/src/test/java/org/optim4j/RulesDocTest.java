package org.optim4j;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.optim4j.rule.RuleType;
import org.optim4j.rule.Rules;

/** docs/rules.md documents every registered rule: a rule added to the registry without its page fails here. */
class RulesDocTest {
    @Test
    void everyRegisteredRuleHasItsChainInTheDocs() throws IOException {
        String doc = Files.readString(Path.of("..", "docs", "rules.md"));
        for (RuleType t : Rules.types()) {
            assertTrue(doc.contains("| `" + t.id() + "` |"), "docs/rules.md has no chain row for rule '" + t.id() + "'");
        }
    }
}
