package dev.llmbench.model.tokenizer;

import java.util.Arrays;

/**
 * The BPE merges as an open-addressing hash map from a pair of token ids, packed into one long, to the merge's
 * rank and the merged token's id, packed likewise. No boxing: this lookup is the inner loop of encoding.
 */
final class MergeTable {
    static final long ABSENT = -1L;
    private static final long EMPTY_KEY = -1L; // ids are non-negative, so no real key is all ones

    private final long[] keys;
    private final long[] values;
    private final int mask;
    private int size;

    MergeTable(int expected) {
        int capacity = Integer.highestOneBit(Math.max(4, expected * 2 - 1)) << 1;
        keys = new long[capacity];
        values = new long[capacity];
        mask = capacity - 1;
        Arrays.fill(keys, EMPTY_KEY);
    }

    /** Adds or replaces the merge of {@code left} then {@code right}; a later merge of the same pair wins. */
    void put(int left, int right, int rank, int merged) {
        long key = key(left, right);
        int slot = slot(key);
        while (keys[slot] != EMPTY_KEY && keys[slot] != key) {
            slot = (slot + 1) & mask;
        }
        if (keys[slot] == EMPTY_KEY) {
            if (size + 1 > keys.length * 3 / 4) {
                throw new IllegalStateException("merge table sized for fewer merges");
            }
            size++;
        }
        keys[slot] = key;
        values[slot] = ((long) rank << 32) | (merged & 0xFFFFFFFFL);
    }

    /** rank in the high 32 bits, merged id in the low 32 bits; {@link #ABSENT} when the pair does not merge. */
    long get(int left, int right) {
        long key = key(left, right);
        int slot = slot(key);
        while (true) {
            long k = keys[slot];
            if (k == key) {
                return values[slot];
            }
            if (k == EMPTY_KEY) {
                return ABSENT;
            }
            slot = (slot + 1) & mask;
        }
    }

    int size() {
        return size;
    }

    static int rank(long entry) {
        return (int) (entry >>> 32);
    }

    static int merged(long entry) {
        return (int) entry;
    }

    private static long key(int left, int right) {
        return ((long) left << 32) | (right & 0xFFFFFFFFL);
    }

    private int slot(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h >>> 32) & mask;
    }
}
