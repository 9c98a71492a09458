package dev.llmbench.runner.cli;

import java.text.MessageFormat;
import java.util.Locale;
import java.util.ResourceBundle;

/**
 * User-facing text of the runner, from {@code Messages.properties} (English; other languages as
 * {@code Messages_xx.properties}). Arguments are turned into strings first so that numbers never pick up a
 * locale's grouping.
 */
public final class Messages {
    private static final String BUNDLE = "dev.llmbench.runner.cli.Messages";

    private Messages() {
    }

    public static String get(String key, Object... args) {
        ResourceBundle bundle = ResourceBundle.getBundle(BUNDLE, Locale.getDefault());
        String pattern = bundle.getString(key);
        if (args.length == 0) {
            return pattern;
        }
        Object[] text = new Object[args.length];
        for (int i = 0; i < args.length; i++) {
            text[i] = String.valueOf(args[i]);
        }
        return new MessageFormat(pattern, Locale.ROOT).format(text);
    }
}
