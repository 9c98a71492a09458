package dev.llmbench.engine.java;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmbench.engine.EngineException;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * Maps the safetensors files of a Hugging Face folder ({@code model.safetensors}, or the shards named by
 * {@code model.safetensors.index.json}) into memory and hands out tensors as slices of the mappings.
 *
 * <p>File layout: an 8-byte little-endian header length {@code n}, {@code n} bytes of JSON
 * ({@code name -> {dtype, shape, data_offsets: [begin, end)}}, offsets relative to byte {@code 8 + n}), then data.
 */
final class Safetensors {
    private static final long MAX_HEADER_BYTES = 100L << 20;

    /** The tensors of a checkpoint and the file each one came from (for messages). */
    record Checkpoint(Map<String, Tensor> tensors, Map<String, Path> fileOf) {
    }

    private Safetensors() {
    }

    static Checkpoint open(Path folder, Arena arena) throws EngineException {
        Path single = folder.resolve("model.safetensors");
        Path index = folder.resolve("model.safetensors.index.json");
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        Map<String, Path> fileOf = new LinkedHashMap<>();
        if (Files.isRegularFile(single)) {
            readFile(single, arena, tensors, fileOf);
        } else if (Files.isRegularFile(index)) {
            for (String shard : shards(index)) {
                Path file = folder.resolve(shard);
                if (!Files.isRegularFile(file)) {
                    throw ModelConfig.invalid(index + ": shard " + shard
                            + " is named in $.weight_map but missing from the folder; copy every shard next to the index");
                }
                readFile(file, arena, tensors, fileOf);
            }
        } else {
            throw ModelConfig.invalid(folder + ": no model.safetensors and no model.safetensors.index.json; "
                    + "save the model with save_pretrained(DIR, safe_serialization=True)");
        }
        return new Checkpoint(tensors, fileOf);
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

    static void readFile(Path file, Arena arena, Map<String, Tensor> tensors, Map<String, Path> fileOf)
            throws EngineException {
        MemorySegment mapped;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            mapped = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
        } catch (IOException e) {
            throw ModelConfig.invalid(file + ": cannot map (" + e.getMessage() + ")");
        }
        long size = mapped.byteSize();
        if (size < 8) {
            throw ModelConfig.invalid(file + ": " + size + " bytes is too short for a safetensors file");
        }
        long headerLen = mapped.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN), 0);
        if (headerLen <= 0 || headerLen > MAX_HEADER_BYTES || 8 + headerLen > size) {
            throw ModelConfig.invalid(file + ": header length " + headerLen
                    + " does not fit the file; it is not a safetensors file or it is truncated");
        }
        byte[] headerBytes = mapped.asSlice(8, headerLen).toArray(ValueLayout.JAVA_BYTE);
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
                    + "; the Java engine reads BF16, F16 and F32: convert the checkpoint, e.g. "
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
            if (tensors.containsKey(name)) {
                throw ModelConfig.invalid(where + ": also present in " + fileOf.get(name) + "; a tensor must appear once");
            }
            tensors.put(name, new Tensor(name, dtype, shape, mapped.asSlice(dataStart + begin, end - begin)));
            fileOf.put(name, file);
        }
    }
}
