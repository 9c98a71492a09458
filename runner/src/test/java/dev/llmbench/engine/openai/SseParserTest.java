package dev.llmbench.engine.openai;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SseParserTest {
    private static List<String> parse(String... pieces) {
        List<String> events = new ArrayList<>();
        SseParser p = new SseParser(events::add);
        for (String piece : pieces) {
            p.feed(ByteBuffer.wrap(piece.getBytes(StandardCharsets.UTF_8)));
        }
        return events;
    }

    @Test
    void eventsEndAtABlankLineWhateverTheLineEnds() {
        assertThat(parse("data: a\n\ndata: b\r\n\r\ndata: c\r\rdata: d\n")).containsExactly("a", "b", "c");
    }

    @Test
    void dataLinesJoinCommentsAndOtherFieldsAreDropped() {
        assertThat(parse(": keep-alive\n\nevent: x\nid: 7\ndata: one\ndata:two\nretry: 5\n\n")).containsExactly("one\ntwo");
    }

    @Test
    void bytesCutAnywhereEvenInsideAHangulSyllable() {
        byte[] all = "data: {\"text\":\"서울\"}\n\n".getBytes(StandardCharsets.UTF_8);
        List<String> events = new ArrayList<>();
        SseParser p = new SseParser(events::add);
        for (byte b : all) {
            p.feed(ByteBuffer.wrap(new byte[]{b}));
            if (events.isEmpty()) {
                assertThat(p.midEvent()).isTrue();
            }
        }
        assertThat(events).containsExactly("{\"text\":\"서울\"}");
        assertThat(p.midEvent()).isFalse();
    }

    @Test
    void aCrlfSplitBetweenTwoReadsIsOneLineEnd() {
        assertThat(parse("data: a\r", "\n\r", "\n")).containsExactly("a");
    }
}
