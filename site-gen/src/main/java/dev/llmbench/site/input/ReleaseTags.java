package dev.llmbench.site.input;

import java.util.regex.Pattern;

/** Release tags become folder names of the site, so only a safe alphabet passes. */
public final class ReleaseTags {
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]{0,63}");

    private ReleaseTags() {
    }

    public static boolean isSafe(String tag) {
        return tag != null && SAFE.matcher(tag).matches() && !tag.contains("..");
    }

    /** The rule, for error messages. */
    public static String rule() {
        return "a release tag is 1 to 64 characters of letters, digits, '.', '_', '+' or '-', starting with a letter or digit"
                + " (for example v0.3.0)";
    }
}
