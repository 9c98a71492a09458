package dev.llmbench.site.render;

import com.vladsch.flexmark.ext.admonition.AdmonitionBlock;
import com.vladsch.flexmark.ext.admonition.AdmonitionExtension;
import com.vladsch.flexmark.ext.tables.TablesExtension;
import com.vladsch.flexmark.html.HtmlRenderer;
import com.vladsch.flexmark.html.HtmlWriter;
import com.vladsch.flexmark.html.renderer.NodeRenderer;
import com.vladsch.flexmark.html.renderer.NodeRendererContext;
import com.vladsch.flexmark.html.renderer.NodeRenderingHandler;
import com.vladsch.flexmark.parser.Parser;
import com.vladsch.flexmark.util.data.MutableDataSet;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Renders the pages' Markdown to HTML with Flexmark: tables, and mkdocs-style admonitions as styled boxes
 * ({@code <div class="admonition note">}). Raw HTML in the Markdown is escaped, never passed through.
 */
public final class MarkdownHtml {
    private final Parser parser;
    private final HtmlRenderer renderer;

    public MarkdownHtml() {
        MutableDataSet options = new MutableDataSet();
        options.set(HtmlRenderer.ESCAPE_HTML, true);
        options.set(HtmlRenderer.GENERATE_HEADER_ID, true);
        options.set(HtmlRenderer.RENDER_HEADER_ID, true);
        options.set(TablesExtension.CLASS_NAME, "");
        parser = Parser.builder(options).extensions(List.of(TablesExtension.create(), AdmonitionExtension.create())).build();
        // admonitions parse with the extension but render with our own markup, which needs no script or icon sprite
        renderer = HtmlRenderer.builder(options).extensions(List.of(TablesExtension.create()))
                .nodeRendererFactory(opts -> new AdmonitionRenderer()).build();
    }

    public String render(String markdown) {
        return renderer.render(parser.parse(markdown));
    }

    /** Text for HTML element content or a quoted attribute. */
    public static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    private static final class AdmonitionRenderer implements NodeRenderer {
        @Override
        public Set<NodeRenderingHandler<?>> getNodeRenderingHandlers() {
            return Set.of(new NodeRenderingHandler<>(AdmonitionBlock.class, this::render));
        }

        private void render(AdmonitionBlock node, NodeRendererContext context, HtmlWriter html) {
            String kind = node.getInfo().toString().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "");
            String title = node.getTitle().toString();
            html.line().raw("<div class=\"admonition " + kind + "\">").line();
            if (!title.isEmpty()) {
                html.raw("<p class=\"admonition-title\">" + escape(title) + "</p>").line();
            }
            context.renderChildren(node);
            html.line().raw("</div>").line();
        }
    }
}
