package dev.llmbench.model;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The tensors of a model folder, memory-mapped: what {@link ModelSource.Folder#map} returns. Every tensor is a slice
 * of its file's mapping, nothing is copied; the mappings live as long as the arena they were made in.
 *
 * @param tensors the tensors the model uses, by name, in {@link Weights#expectedShapes} order and with the shapes it
 *                names (tensors of the files that the model does not use are left out)
 * @param fileOf  the file of each tensor
 * @param files   the whole mapping of each file that holds one of {@code tensors}, in the order first needed: a
 *                tensor starts {@code tensor.data().address() - files.get(fileOf.get(name)).address()} bytes into
 *                its file (for engines that wrap the mapped file itself, e.g. Metal's no-copy buffers)
 */
public record Checkpoint(Map<String, Tensor> tensors, Map<String, Path> fileOf, Map<Path, MemorySegment> files) {
    /** Keeps read-only copies of the maps, in their order. */
    public Checkpoint {
        tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
        fileOf = Collections.unmodifiableMap(new LinkedHashMap<>(fileOf));
        files = Collections.unmodifiableMap(new LinkedHashMap<>(files));
    }
}
