package dev.llmbench.site.chart;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** Pixel counts over regions of a chart image: enough to tell a drawn panel from a blank one. */
final class PixelChecks {
    private PixelChecks() {
    }

    static BufferedImage read(Path png) {
        try {
            BufferedImage image = ImageIO.read(png.toFile());
            if (image == null) {
                throw new AssertionError(png + " is not a readable image");
            }
            return image;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** pixels in columns {@code [x0, x1)} that are not the white background */
    static long nonBackground(BufferedImage image, int x0, int x1) {
        long n = 0;
        for (int rgb : columns(image, x0, x1)) {
            if ((rgb & 0xFFFFFF) != 0xFFFFFF) {
                n++;
            }
        }
        return n;
    }

    private static int[] columns(BufferedImage image, int x0, int x1) {
        return image.getRGB(x0, 0, x1 - x0, image.getHeight(), null, 0, x1 - x0);
    }

    /** pixels in columns {@code [x0, x1)} within {@code tolerance} per channel of {@code color} */
    static long near(BufferedImage image, int x0, int x1, Color color, int tolerance) {
        long n = 0;
        for (int rgb : columns(image, x0, x1)) {
            if (Math.abs(((rgb >> 16) & 0xFF) - color.getRed()) <= tolerance
                    && Math.abs(((rgb >> 8) & 0xFF) - color.getGreen()) <= tolerance
                    && Math.abs((rgb & 0xFF) - color.getBlue()) <= tolerance) {
                n++;
            }
        }
        return n;
    }
}
