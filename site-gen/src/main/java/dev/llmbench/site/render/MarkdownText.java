package dev.llmbench.site.render;

/**
 * Makes text from results files safe inside Markdown (tables included) and in the HTML rendered from it:
 * markup characters become entities, Markdown syntax characters are backslash-escaped, line breaks become spaces.
 */
public final class MarkdownText {
    private MarkdownText() {
    }

    public static String escape(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '\r', '\n', '\t' -> sb.append(' ');
                // the characters that open inline markup, table cells or headings anywhere in a line
                case '\\', '`', '*', '_', '[', ']', '#', '|' -> sb.append('\\').append(c);
                default -> {
                    if (c >= ' ') {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.toString();
    }

    /** Text inside a code span or block: only what could end it is removed. */
    public static String code(String s) {
        return s == null ? "" : s.replace("`", "'").replace('\n', ' ').replace('\r', ' ');
    }
}
