package dev.llmbench.site.render;

import java.util.MissingResourceException;
import java.util.ResourceBundle;

/**
 * Page texts of one language from {@code Messages(_ko).properties}; never falls back to the JVM's default locale.
 * A text's {@code {0}}, {@code {1}}... are replaced by the arguments, and nothing else in it is special (an
 * apostrophe is an apostrophe, unlike {@link java.text.MessageFormat}).
 */
public final class Messages {
    private static final String BUNDLE = "dev.llmbench.site.render.Messages";
    private final ResourceBundle bundle;

    private Messages(ResourceBundle bundle) {
        this.bundle = bundle;
    }

    public static Messages of(Lang lang) {
        return new Messages(ResourceBundle.getBundle(BUNDLE, lang.locale(),
                ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES)));
    }

    public String get(String key, String... args) {
        return fill(bundle.getString(key), args);
    }

    /** The text for {@code key}, or null when the bundle has none. */
    public String find(String key) {
        try {
            return bundle.getString(key);
        } catch (MissingResourceException e) {
            return null;
        }
    }

    static String fill(String pattern, String... args) {
        if (args.length == 0) {
            return pattern;
        }
        StringBuilder sb = new StringBuilder(pattern.length() + 32);
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            int close = c == '{' ? pattern.indexOf('}', i) : -1;
            if (close > i + 1 && pattern.substring(i + 1, close).chars().allMatch(Character::isDigit)) {
                int n = Integer.parseInt(pattern.substring(i + 1, close));
                if (n >= args.length) {
                    throw new IllegalArgumentException("text \"" + pattern + "\" has {" + n + "} but only "
                            + args.length + " argument(s) were given");
                }
                sb.append(args[n]);
                i = close;
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
