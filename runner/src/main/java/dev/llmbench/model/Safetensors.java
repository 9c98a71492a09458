package dev.llmbench.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmbench.engine.EngineException;

import java.io.EOFException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Reads the safetensors files of a Hugging Face folder ({@code model.safetensors}, or the shards named by
 * {@code model.safetensors.index.json}) in two steps: {@link #scan} reads and checks the headers alone, so a bad
 * folder is reported before any weight is touched; {@link #map} then maps the files into memory and hands out tensors
 * as slices of the mappings.
 *
 * <p>File layout: an 8-byte little-endian header length {@code n}, {@code n} bytes of JSON
 * ({@code name -> {dtype, shape, data_offsets: [begin, end)}}, offsets relative to byte {@code 8 + n}), then data.
 */
public final class Safetensors {
    private static final long MAX_HEADER_BYTES = 100L << 20;

    /**
     * Where one tensor lies, as its file's header says (checked: a supported dtype, a size that matches the shape,
     * inside the file).
     *
     * @param name   tensor name
     * @param dtype  element type
     * @param shape  dimensions, outermost first
     * @param file   the safetensors file
     * @param offset first byte of the tensor's data, from the start of the file
     */
    public record Entry(String name, DType dtype, long[] shape, Path file, long offset) {
        public Entry {
            shape = shape.clone();
        }

        /** Number of elements. */
        public long numel() {
            long n = 1;
            for (long d : shape) {
                n = Math.multiplyExact(n, d);
            }
            return n;
        }

        /** Bytes of data: {@code numel() * dtype.bytes()}. */
        public long byteSize() {
            return numel() * dtype.bytes();
        }

        /** Equal when every component is, the shape compared by its elements. */
        @Override
        public boolean equals(Object o) {
            return o instanceof Entry e && name.equals(e.name) && dtype == e.dtype && Arrays.equals(shape, e.shape)
                    && file.equals(e.file) && offset == e.offset;
        }

        @Override
        public int hashCode() {
            return (Objects.hash(name, dtype, file, offset) * 31) + Arrays.hashCode(shape);
        }

        @Override
        public String toString() {
            return "Entry[" + name + " " + dtype.label() + " " + Arrays.toString(shape) + " " + file + "@"
                    + offset + "]";
        }
    }

    private Safetensors() {
    }

    /**
     * The tensors of the checkpoint in {@code folder}, from the headers alone: {@code model.safetensors}, or else
     * every shard that {@code model.safetensors.index.json} names, in the order of their names.
     *
     * @return every tensor of the files, in file order
     * @throws EngineException {@link EngineException.Kind#INVALID_INPUT} naming the file, the tensor and the fix
     */
    public static Map<String, Entry> scan(Path folder) throws EngineException {
        Path single = folder.resolve("model.safetensors");
        Path index = folder.resolve("model.safetensors.index.json");
        Map<String, Entry> entries = new LinkedHashMap<>();
        if (Files.isRegularFile(single)) {
            readHeader(single, entries);
        } else if (Files.isRegularFile(index)) {
            for (String shard : shards(index)) {
                Path file = folder.resolve(shard);
                if (!Files.isRegularFile(file)) {
                    throw ModelConfig.invalid(index + ": shard " + shard
                            + " is named in $.weight_map but missing from the folder; copy every shard next to the index");
                }
                readHeader(file, entries);
            }
        } else {
            throw ModelConfig.invalid(folder + ": no model.safetensors and no model.safetensors.index.json; "
                    + "save the model with save_pretrained(DIR, safe_serialization=True)");
        }
        return Collections.unmodifiableMap(entries);
    }

    /**
     * Maps the files of {@code entries} read-only into {@code arena} (each file once) and slices out the tensors, in
     * the order of {@code entries}.
     *
     * @throws EngineException {@link EngineException.Kind#INVALID_INPUT} when a file cannot be mapped or no longer
     *     holds its tensors
     */
    static Checkpoint map(Collection<Entry> entries, Arena arena) throws EngineException {
        Map<Path, MemorySegment> files = new LinkedHashMap<>();
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        Map<String, Path> fileOf = new LinkedHashMap<>();
        for (Entry e : entries) {
            MemorySegment mapped = files.get(e.file());
            if (mapped == null) {
                try (FileChannel ch = FileChannel.open(e.file(), StandardOpenOption.READ)) {
                    mapped = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
                } catch (IOException x) {
                    throw ModelConfig.invalid(e.file() + ": cannot map (" + x.getMessage() + ")");
                }
                files.put(e.file(), mapped);
            }
            if (e.offset() + e.byteSize() > mapped.byteSize()) {
                throw ModelConfig.invalid(e.file() + ": tensor " + e.name() + " ends at byte " + (e.offset() + e.byteSize())
                        + " but the file now has " + mapped.byteSize() + "; it changed after its header was read");
            }
            tensors.put(e.name(), new Tensor(e.name(), e.dtype(), e.shape(), mapped.asSlice(e.offset(), e.byteSize())));
            fileOf.put(e.name(), e.file());
        }
        return new Checkpoint(tensors, fileOf, files);
    }

    private static TreeSet<String> shards(Path index) throws EngineException {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readAllBytes(index));
        } catch (IOException e) {
            throw ModelConfig.invalid(index + ": cannot read or parse (" + e.getMessage() + ")");
        }
        JsonNode map = root == null ? null : root.get("weight_map");
        if (map == null || !map.isObject() || map.isEmpty()) {
            throw ModelConfig.invalid(index + ": $.weight_map must be an object naming the shard of every tensor");
        }
        TreeSet<String> files = new TreeSet<>();
        map.properties().forEach(e -> files.add(e.getValue().asText()));
        for (String f : files) {
            if (f.isEmpty() || f.contains("/") || f.contains("\\") || f.startsWith(".")) {
                throw ModelConfig.invalid(index + ": $.weight_map names the shard \"" + f
                        + "\"; shards must be plain file names in the model folder");
            }
        }
        return files;
    }

    private static void readHeader(Path file, Map<String, Entry> entries) throws EngineException {
        long size;
        long headerLen;
        byte[] headerBytes;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            size = ch.size();
            if (size < 8) {
                throw ModelConfig.invalid(file + ": " + size + " bytes is too short for a safetensors file");
            }
            headerLen = read(ch, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
            if (headerLen <= 0 || headerLen > MAX_HEADER_BYTES || 8 + headerLen > size) {
                throw ModelConfig.invalid(file + ": header length " + headerLen
                        + " does not fit the file; it is not a safetensors file or it is truncated");
            }
            headerBytes = read(ch, 8, (int) headerLen).array();
        } catch (IOException e) {
            throw ModelConfig.invalid(file + ": cannot read (" + e.getMessage() + ")");
        }
        JsonNode header;
        try {
            header = new ObjectMapper().readTree(headerBytes);
        } catch (IOException e) {
            throw ModelConfig.invalid(file + ": header is not JSON (" + e.getMessage() + ")");
        }
        if (header == null || !header.isObject()) {
            throw ModelConfig.invalid(file + ": header must be a JSON object");
        }
        long dataStart = 8 + headerLen;
        Iterator<Map.Entry<String, JsonNode>> it = header.properties().iterator();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            if (name.equals("__metadata__")) {
                continue;
            }
            JsonNode t = e.getValue();
            String where = file + ": tensor " + name;
            String dtypeName = t.path("dtype").asText("");
            DType dtype = DType.fromSafetensors(dtypeName).orElseThrow(() -> ModelConfig.invalid(where
                    + " has dtype " + (dtypeName.isEmpty() ? "(none)" : dtypeName)
                    + "; llmbench reads BF16, F16 and F32: convert the checkpoint, e.g. "
                    + "model.to(torch.bfloat16).save_pretrained(DIR)"));
            JsonNode shapeNode = t.path("shape");
            JsonNode offsets = t.path("data_offsets");
            if (!shapeNode.isArray() || !offsets.isArray() || offsets.size() != 2) {
                throw ModelConfig.invalid(where + ": needs \"shape\" [..] and \"data_offsets\" [begin, end]");
            }
            long[] shape = new long[shapeNode.size()];
            long numel = 1;
            for (int i = 0; i < shape.length; i++) {
                shape[i] = shapeNode.get(i).asLong(-1);
                if (shape[i] < 0) {
                    throw ModelConfig.invalid(where + ": shape " + shapeNode + " has a negative or non-integer size");
                }
                numel = Math.multiplyExact(numel, shape[i]);
            }
            long begin = offsets.get(0).asLong(-1);
            long end = offsets.get(1).asLong(-1);
            if (begin < 0 || end < begin || dataStart + end > size) {
                throw ModelConfig.invalid(where + ": data_offsets " + offsets + " fall outside the file ("
                        + (size - dataStart) + " data bytes); the file is truncated or corrupt");
            }
            if (end - begin != numel * dtype.bytes()) {
                throw ModelConfig.invalid(where + ": data_offsets " + offsets + " hold " + (end - begin)
                        + " bytes but shape " + shapeNode + " of " + dtypeName + " needs " + numel * dtype.bytes());
            }
            Entry seen = entries.get(name);
            if (seen != null) {
                throw ModelConfig.invalid(where + ": also present in " + seen.file() + "; a tensor must appear once");
            }
            entries.put(name, new Entry(name, dtype, shape, file, dataStart + begin));
        }
    }

    private static ByteBuffer read(FileChannel ch, long position, int bytes) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(bytes);
        while (b.hasRemaining()) {
            if (ch.read(b, position + b.position()) < 0) {
                throw new EOFException("file ended at byte " + (position + b.position()));
            }
        }
        return b;
    }
}
