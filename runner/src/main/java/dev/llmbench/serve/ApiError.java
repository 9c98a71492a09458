package dev.llmbench.serve;

/**
 * A request the server refuses, answered as OpenAI does: the HTTP status and
 * {@code {"error": {"message", "type", "param", "code"}}}.
 *
 * @param status  HTTP status
 * @param type    {@code invalid_request_error}, {@code not_found_error}, {@code server_busy}, {@code server_error}
 * @param param   the request field at fault, or null
 */
final class ApiError extends Exception {
    final int status;
    final String type;
    final String param;

    ApiError(int status, String type, String param, String message) {
        super(message);
        this.status = status;
        this.type = type;
        this.param = param;
    }

    static ApiError invalid(String param, String message) {
        return new ApiError(400, "invalid_request_error", param, message);
    }
}
