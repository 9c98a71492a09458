package dev.llmbench.engine;

import java.util.function.LongSupplier;

/**
 * An engine that makes a whole run at once and is timed from its token stream: a server behind an HTTP API
 * ({@code dev.llmbench.engine.openai}). The runner calls {@link #stream} instead of {@link #prefill} and
 * {@link #decode}, which such an engine does not offer one token at a time.
 *
 * <p>{@link #stream} may be called from several threads at once when {@link #maxStreams()} is above 1.
 */
public interface StreamingEngine extends Engine {

    /**
     * Sends the prompt, asks for exactly {@code decodeTokens} greedy tokens with EOS ignored, and reads the clock as
     * each token event arrives. A chunk that carries several tokens stamps them all with its arrival time.
     *
     * @param prompt       the prompt ids; {@code prompt[0..promptTokens)} is sent
     * @param clock        the protocol's clock, ns
     * @param marks        length {@code >= decodeTokens + 1}: {@code marks[0]} just before the request is sent,
     *                     {@code marks[i + 1]} when the event carrying generated token {@code i} arrived
     * @param ids          length {@code >= decodeTokens}: the generated ids, when the server reports them
     * @return what arrived; fewer tokens than asked when the server ended its stream early
     * @throws StreamException when the server cannot be reached, answers with an error, sends a malformed event or
     *                         stops mid-stream; its message names the URL
     */
    Run stream(int[] prompt, int promptTokens, int decodeTokens, LongSupplier clock, long[] marks, int[] ids);

    /** How many streams the engine serves at once; in-process engines serve one. */
    default int maxStreams() {
        return Integer.MAX_VALUE;
    }

    /**
     * One streamed run.
     *
     * @param tokens      tokens that arrived, at most the number asked for
     * @param idsKnown    whether {@code ids} holds the ids the server reported (else only their count is known)
     * @param eventTokens tokens carried by each event, in order; they add up to {@code tokens}
     * @param text        the generated text as the server sent it
     */
    record Run(int tokens, boolean idsKnown, int[] eventTokens, String text) {
        public Run {
            int sum = 0;
            for (int n : eventTokens) {
                if (n <= 0) {
                    throw new IllegalArgumentException("an event carries " + n + " tokens");
                }
                sum += n;
            }
            if (sum != tokens) {
                throw new IllegalArgumentException("events carry " + sum + " tokens, the run has " + tokens);
            }
        }
    }

    /** A stream that could not be read to its end; the message names the URL, what went wrong and the fix. */
    class StreamException extends RuntimeException {
        public StreamException(String message) {
            super(message);
        }

        public StreamException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
