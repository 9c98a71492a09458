package dev.llmbench.engine.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmbench.engine.EngineException;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a server says about itself, for the engine settings of the results file: {@code GET /models} (which must
 * list the served model), llama-server's {@code GET /props} and vLLM's {@code GET /version} when they answer, and
 * the {@code server} header. Only scalars that identify the server are kept (never paths, never the key).
 */
final class ServerFacts {
    private ServerFacts() {
    }

    static Map<String, Object> probe(HttpClient client, OpenAiSettings settings, ObjectMapper json) throws EngineException {
        Map<String, Object> facts = new LinkedHashMap<>();
        URI models = URI.create(settings.baseUrl() + "/models");
        HttpResponse<String> answer;
        try {
            answer = client.send(OpenAiEngine.request(models, settings, settings.timeoutS()).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new EngineException(EngineException.Kind.UNAVAILABLE, OpenAiEngine.failure(models, e).getMessage()
                    + " (start the server first, for example ./bench serve --model synthetic:tiny --port 8080)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException(EngineException.Kind.UNAVAILABLE, models + ": interrupted");
        }
        answer.headers().firstValue("server").ifPresent(v -> facts.put("server_header", v));
        if (answer.statusCode() == 401 || answer.statusCode() == 403) {
            throw new EngineException(EngineException.Kind.INVALID_INPUT, models + " answered HTTP " + answer.statusCode()
                    + ": the server wants an API key; pass --api-key-env VAR naming the variable that holds it");
        }
        if (answer.statusCode() != 200) {
            throw new EngineException(EngineException.Kind.UNAVAILABLE, models + " answered HTTP " + answer.statusCode()
                    + "; --url must be the OpenAI API base, for example http://127.0.0.1:8080/v1");
        }
        JsonNode list;
        try {
            list = json.readTree(answer.body()).path("data");
        } catch (IOException e) {
            list = null;
        }
        if (list == null || !list.isArray()) {
            throw new EngineException(EngineException.Kind.UNAVAILABLE, models + " did not answer with a model list"
                    + " ({\"data\": [...]}); --url must be the OpenAI API base, for example http://127.0.0.1:8080/v1");
        }
        List<String> names = new ArrayList<>();
        JsonNode served = null;
        for (JsonNode m : list) {
            names.add(m.path("id").asText());
            if (m.path("id").asText().equals(settings.servedModel())) {
                served = m;
            }
        }
        if (served == null) {
            throw new EngineException(EngineException.Kind.INVALID_INPUT, models + " lists " + names + ", not "
                    + settings.servedModel() + "; pass --served-model with one of them");
        }
        if (served.hasNonNull("owned_by")) {
            facts.put("server_owned_by", served.get("owned_by").asText());
        }
        if (served.path("max_model_len").canConvertToInt()) {
            facts.put("server_max_model_len", served.get("max_model_len").asInt());
        }
        String root = rootOf(settings.baseUrl());
        JsonNode version = optional(client, settings, json, URI.create(root + "/version"));
        if (version != null && version.path("version").isTextual()) {
            facts.put("server_version", version.get("version").asText());
        }
        JsonNode props = optional(client, settings, json, URI.create(root + "/props"));
        if (props != null) {
            JsonNode build = props.get("build_info");
            if (build != null && build.isTextual()) {
                facts.put("server_build", build.asText());
            }
            if (props.path("total_slots").canConvertToInt()) {
                facts.put("server_slots", props.get("total_slots").asInt());
            }
        }
        return facts;
    }

    /** {@code http://host:8080/v1} → {@code http://host:8080}: where /props and /version live. */
    static String rootOf(URI base) {
        String s = base.toString();
        return s.endsWith("/v1") ? s.substring(0, s.length() - 3) : s;
    }

    private static JsonNode optional(HttpClient client, OpenAiSettings settings, ObjectMapper json, URI uri) {
        try {
            HttpResponse<String> r = client.send(OpenAiEngine.request(uri, settings, settings.timeoutS()).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                return null;
            }
            JsonNode node = json.readTree(r.body());
            return node != null && node.isObject() ? node : null;
        } catch (IOException e) {
            return null; // not every server has these
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
