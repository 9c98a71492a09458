package dev.llmbench.site.render;

import freemarker.template.TemplateMethodModelEx;
import freemarker.template.TemplateModel;
import freemarker.template.TemplateModelException;
import freemarker.template.TemplateNumberModel;
import freemarker.template.TemplateScalarModel;

import java.math.BigDecimal;
import java.util.List;

/**
 * {@code text("key", args...)} in a page template: the text of {@code key} in the page's language, its {@code {0}},
 * {@code {1}}... filled with the arguments. This is how one template serves every language.
 */
public final class TextMethod implements TemplateMethodModelEx {
    private final Messages messages;

    public TextMethod(Messages messages) {
        this.messages = messages;
    }

    @Override
    public Object exec(@SuppressWarnings("rawtypes") List arguments) throws TemplateModelException {
        if (arguments.isEmpty()) {
            throw new TemplateModelException("text() needs a message key, e.g. text(\"page.title\")");
        }
        String key = string(arguments.getFirst(), "the key");
        String pattern = messages.find(key);
        if (pattern == null) {
            throw new TemplateModelException("text(\"" + key + "\"): no such text in the message bundle (keys are in "
                    + "site-gen's dev/llmbench/site/render/Messages.properties)");
        }
        String[] args = new String[arguments.size() - 1];
        for (int i = 0; i < args.length; i++) {
            args[i] = string(arguments.get(i + 1), "argument " + (i + 1) + " of text(\"" + key + "\")");
        }
        try {
            return Messages.fill(pattern, args);
        } catch (IllegalArgumentException e) {
            throw new TemplateModelException("text(\"" + key + "\"): " + e.getMessage());
        }
    }

    private static String string(Object arg, String what) throws TemplateModelException {
        if (arg instanceof TemplateScalarModel s) {
            return s.getAsString();
        }
        if (arg instanceof TemplateNumberModel n) {
            // integers as the templates print them elsewhere ("computer" format): no grouping, no ".0"
            return new BigDecimal(n.getAsNumber().toString()).stripTrailingZeros().toPlainString();
        }
        throw new TemplateModelException(what + " must be a string or a number, not "
                + (arg instanceof TemplateModel m ? m.getClass().getSimpleName() : String.valueOf(arg)));
    }
}
