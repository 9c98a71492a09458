package dev.llmbench.site.render;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The two bundles every page template reads its words from: same keys, same arguments. */
class MessagesTest {
    private static Properties bundle(String file) throws IOException {
        Properties p = new Properties();
        try (InputStream in = Messages.class.getResourceAsStream(file)) {
            p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
        }
        return p;
    }

    private static Set<String> placeholders(String text) {
        Set<String> found = new TreeSet<>();
        Matcher m = Pattern.compile("\\{[0-9]+}").matcher(text);
        while (m.find()) {
            found.add(m.group());
        }
        return found;
    }

    @Test
    void koreanAndEnglishHaveTheSameKeysAndArguments() throws IOException {
        Properties en = bundle("Messages.properties");
        Properties ko = bundle("Messages_ko.properties");
        assertThat(ko.stringPropertyNames()).containsExactlyInAnyOrderElementsOf(en.stringPropertyNames());
        for (String key : en.stringPropertyNames()) {
            assertThat(placeholders(ko.getProperty(key))).as(key).isEqualTo(placeholders(en.getProperty(key)));
        }
    }

    @Test
    void tableHeadsHaveARuleWithAsManyColumns() throws IOException {
        for (String file : new String[]{"Messages.properties", "Messages_ko.properties"}) {
            Properties p = bundle(file);
            for (String key : p.stringPropertyNames()) {
                if (key.endsWith(".head")) {
                    String[] lines = p.getProperty(key).split("\n");
                    assertThat(lines).as(file + " " + key).hasSize(2);
                    assertThat(lines[1]).as(file + " " + key).matches("\\|(-+\\|)+");
                    assertThat(lines[1].chars().filter(c -> c == '|').count()).as(file + " " + key)
                            .isEqualTo(lines[0].chars().filter(c -> c == '|').count());
                }
            }
        }
    }

    @Test
    void argumentsFillTheirPlacesAndNothingElseIsSpecial() {
        assertThat(Messages.fill("the old tool's file: {0}, {1} and {0}", "a", "{1}")).isEqualTo("the old tool's file: a, {1} and a");
        assertThat(Messages.fill("{x} {} {0}", "z")).isEqualTo("{x} {} z");
        assertThat(Messages.fill("no arguments {0}")).isEqualTo("no arguments {0}");
        assertThatThrownBy(() -> Messages.fill("{0} {1}", "only one")).hasMessageContaining("{1}");
    }

    @Test
    void aPageTextIsFilledForEachLanguage() {
        assertThat(Messages.of(Lang.KO).get("page.context.peak.value", "42.0", "1024")).isEqualTo("42.0 (위치 1024)");
        assertThat(Messages.of(Lang.EN).get("page.context.peak.value", "42.0", "1024")).isEqualTo("42.0 (position 1024)");
    }
}
