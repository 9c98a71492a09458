package dev.llmbench.model.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Byte-level BPE over one pre-token: start from one token per byte, then repeatedly merge the adjacent pair of
 * lowest rank, leftmost first among equal ranks (Hugging Face's order), until no adjacent pair merges.
 * A priority queue keeps this O(n log n), so a long run of spaces or symbols stays cheap.
 */
final class BpeModel {
    /** Pre-tokens longer than this are not cached: they are rare and would crowd out the common ones. */
    private static final int CACHE_MAX_PIECE = 256;
    private static final int CACHE_MAX_ENTRIES = 100_000;

    private final Map<String, Integer> vocab;
    private final MergeTable merges;
    /** Token id of each single byte, -1 where the vocabulary lacks it. */
    private final int[] byteIds = new int[256];
    private final boolean ignoreMerges;
    private final Map<String, int[]> cache = new ConcurrentHashMap<>();

    BpeModel(Map<String, Integer> vocab, MergeTable merges, boolean ignoreMerges) {
        this.vocab = vocab;
        this.merges = merges;
        this.ignoreMerges = ignoreMerges;
        for (int b = 0; b < 256; b++) {
            byteIds[b] = vocab.getOrDefault(String.valueOf(ByteLevel.charOf(b)), -1);
        }
    }

    /** Appends the ids of {@code piece}, a pre-token in plain text (not yet byte-level). */
    void encode(String piece, IntList out) {
        int[] cached = cache.get(piece);
        if (cached == null) {
            cached = encodeUncached(piece);
            if (piece.length() <= CACHE_MAX_PIECE && cache.size() < CACHE_MAX_ENTRIES) {
                cache.put(piece, cached);
            }
        }
        out.addAll(cached);
    }

    private int[] encodeUncached(String piece) {
        byte[] utf8 = piece.getBytes(StandardCharsets.UTF_8);
        if (ignoreMerges) {
            Integer whole = vocab.get(ByteLevel.encode(utf8));
            if (whole != null) {
                return new int[] {whole};
            }
        }
        int n = 0;
        int[] ids = new int[utf8.length];
        for (byte b : utf8) {
            int id = byteIds[b & 0xFF];
            if (id >= 0) { // a byte missing from the vocabulary is dropped, as Hugging Face does without unk
                ids[n++] = id;
            }
        }
        if (n < 2) {
            return Arrays.copyOf(ids, n);
        }
        return merge(ids, n);
    }

    private int[] merge(int[] ids, int n) {
        int[] prev = new int[n];
        int[] next = new int[n];
        boolean[] removed = new boolean[n];
        for (int i = 0; i < n; i++) {
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        LongHeap queue = new LongHeap(n);
        for (int i = 0; i + 1 < n; i++) {
            push(queue, ids, i, i + 1);
        }
        while (!queue.isEmpty()) {
            long top = queue.pop();
            int rank = (int) (top >>> 32);
            int pos = (int) top;
            int right = next[pos];
            if (removed[pos] || right < 0) {
                continue;
            }
            long entry = merges.get(ids[pos], ids[right]);
            // a stale entry: the pair at pos changed since it was queued
            if (entry == MergeTable.ABSENT || MergeTable.rank(entry) != rank) {
                continue;
            }
            ids[pos] = MergeTable.merged(entry);
            removed[right] = true;
            next[pos] = next[right];
            if (next[pos] >= 0) {
                prev[next[pos]] = pos;
                push(queue, ids, pos, next[pos]);
            }
            if (prev[pos] >= 0) {
                push(queue, ids, prev[pos], pos);
            }
        }
        int count = 0;
        for (int i = 0; i >= 0; i = next[i]) {
            ids[count++] = ids[i];
        }
        return Arrays.copyOf(ids, count);
    }

    private void push(LongHeap queue, int[] ids, int left, int right) {
        long entry = merges.get(ids[left], ids[right]);
        if (entry != MergeTable.ABSENT) {
            // rank then position: equal ranks merge leftmost first
            queue.push(((long) MergeTable.rank(entry) << 32) | left);
        }
    }

    /** A binary min-heap of longs. */
    private static final class LongHeap {
        private long[] items;
        private int size;

        LongHeap(int capacity) {
            items = new long[Math.max(4, capacity)];
        }

        boolean isEmpty() {
            return size == 0;
        }

        void push(long v) {
            if (size == items.length) {
                items = Arrays.copyOf(items, size * 2);
            }
            int i = size++;
            while (i > 0) {
                int parent = (i - 1) >>> 1;
                if (items[parent] <= v) {
                    break;
                }
                items[i] = items[parent];
                i = parent;
            }
            items[i] = v;
        }

        long pop() {
            long top = items[0];
            long last = items[--size];
            int i = 0;
            while (true) {
                int child = 2 * i + 1;
                if (child >= size) {
                    break;
                }
                if (child + 1 < size && items[child + 1] < items[child]) {
                    child++;
                }
                if (items[child] >= last) {
                    break;
                }
                items[i] = items[child];
                i = child;
            }
            items[i] = last;
            return top;
        }
    }
}
