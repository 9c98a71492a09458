package dev.llmbench.site.render;

import dev.llmbench.site.SiteException;

import java.util.Locale;

/** Page languages. Korean is the default; English second. */
public enum Lang {
    KO("ko", Locale.KOREAN),
    EN("en", Locale.ENGLISH);

    private final String code;
    private final Locale locale;

    Lang(String code, Locale locale) {
        this.code = code;
        this.locale = locale;
    }

    public String code() {
        return code;
    }

    /** For message bundles only; numbers never go through a locale (see {@link NumberFormatter}). */
    Locale locale() {
        return locale;
    }

    public static Lang parse(String code) throws SiteException {
        for (Lang l : values()) {
            if (l.code.equals(code)) {
                return l;
            }
        }
        throw SiteException.invalidInput("--lang " + code + ": unknown language; use ko or en (or leave it out for both)");
    }
}
