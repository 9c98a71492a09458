package dev.llmbench.site.chart;

import org.knowm.xchart.internal.chartpart.Chart;

import javax.imageio.ImageIO;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/** Draws charts side by side into one image and writes it as PNG, whole or not at all. */
final class ChartImages {
    private ChartImages() {
    }

    /**
     * @param panels drawn left to right, each {@code panelWidth x panelHeight} logical units
     * @return an image of {@code panels * panelWidth * SCALE x panelHeight * SCALE} pixels
     */
    static BufferedImage render(List<Chart<?, ?>> panels, int panelWidth, int panelHeight) {
        int scale = ChartStyle.SCALE;
        BufferedImage image = new BufferedImage(panels.size() * panelWidth * scale, panelHeight * scale,
                BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setColor(ChartStyle.BACKGROUND);
            g.fillRect(0, 0, image.getWidth(), image.getHeight());
            for (int i = 0; i < panels.size(); i++) {
                Graphics2D pg = (Graphics2D) g.create();
                try {
                    pg.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
                    pg.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
                    pg.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
                    pg.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
                    pg.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
                    pg.scale(scale, scale);
                    pg.translate(i * panelWidth, 0);
                    pg.clipRect(0, 0, panelWidth, panelHeight);
                    panels.get(i).paint(pg, panelWidth, panelHeight);
                } finally {
                    pg.dispose();
                }
            }
        } finally {
            g.dispose();
        }
        return image;
    }

    /** Writes a temporary file beside {@code file} and renames it over {@code file}: readers never see half a PNG. */
    static Path writePng(BufferedImage image, Path file) {
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
            if (!ImageIO.write(image, "png", tmp.toFile())) {
                throw new IllegalStateException("this JDK has no PNG image writer");
            }
            try {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write chart " + file + ": " + e.getMessage()
                    + " (check that the folder is writable and the disk has room)", e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // the write already failed; that error is the one to report
                }
            }
        }
    }
}
