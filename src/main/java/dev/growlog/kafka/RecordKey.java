package dev.growlog.kafka;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * How the forwarder picks the Kafka key of a record: no key, or the value of a top-level field of
 * a JSON record. Kafka partitions by key (records with the same key keep their order in one
 * partition); records without a key are spread by the producer's partitioner.
 *
 * <p>With {@link #jsonField(String)}, the key is the field's value: a string's text (escapes
 * decoded) as UTF-8; a number, {@code true} or {@code false} as its JSON text; an object or array
 * as its JSON text, as written. A record that is not a JSON object, lacks the field (at the top
 * level) or has it {@code null} gets no key. The record is parsed only as far as that field: what
 * follows it is not checked.
 */
public final class RecordKey {
    private static final RecordKey NONE = new RecordKey(null);

    /** The top-level field whose value is the key; null for no key. */
    private final String field;

    private RecordKey(String field) {
        this.field = field;
    }

    /**
     * No key for any record.
     *
     * @return the policy without keys
     */
    public static RecordKey none() {
        return NONE;
    }

    /**
     * The value of the top-level field {@code name} of a JSON record.
     *
     * @param name the field's name, as it reads after JSON escapes are decoded
     * @return the policy
     * @throws IllegalArgumentException when {@code name} is empty
     */
    public static RecordKey jsonField(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("the key's field name is empty");
        }
        return new RecordKey(name);
    }

    /**
     * Parses the command line's form: {@code none} or {@code field:NAME}.
     *
     * @param spec the text
     * @return the policy
     * @throws IllegalArgumentException when {@code spec} is neither form
     */
    public static RecordKey parse(String spec) {
        if (spec.equals("none")) {
            return none();
        }
        if (spec.startsWith("field:") && spec.length() > "field:".length()) {
            return jsonField(spec.substring("field:".length()));
        }
        throw new IllegalArgumentException("a key is 'none' or 'field:NAME', not '" + spec + "'");
    }

    /**
     * The key of a record.
     *
     * @param payload the record's bytes
     * @return the key's bytes, or null for no key
     */
    public byte[] of(byte[] payload) {
        return field == null ? null : JsonField.value(payload, field);
    }

    @Override
    public String toString() {
        return field == null ? "none" : "field:" + field;
    }

    /** A minimal scanner for one top-level field of a JSON object; null wherever it cannot tell. */
    static final class JsonField {
        private final byte[] json;
        private int at;

        private JsonField(byte[] json) {
            this.json = json;
        }

        /** The key bytes of field {@code name}, as {@link RecordKey} describes them; null for none. */
        static byte[] value(byte[] json, String name) {
            try {
                return new JsonField(json).find(name);
            } catch (IndexOutOfBoundsException | IllegalArgumentException notJson) {
                return null;
            }
        }

        private byte[] find(String name) {
            skipSpace();
            if (json[at++] != '{') {
                return null;
            }
            skipSpace();
            if (json[at] == '}') {
                return null;
            }
            while (true) {
                skipSpace();
                String key = string();
                skipSpace();
                if (json[at++] != ':') {
                    return null;
                }
                skipSpace();
                int start = at;
                if (key.equals(name)) {
                    return keyOf(start);
                }
                skipValue();
                skipSpace();
                byte next = json[at++];
                if (next != ',') {
                    return null; // '}' ends the object without the field; anything else is not JSON
                }
            }
        }

        private byte[] keyOf(int start) {
            if (json[start] == '"') {
                return string().getBytes(StandardCharsets.UTF_8);
            }
            skipValue();
            String text = new String(json, start, at - start, StandardCharsets.UTF_8);
            return text.equals("null") ? null : text.getBytes(StandardCharsets.UTF_8);
        }

        private void skipSpace() {
            while (json[at] == ' ' || json[at] == '\t' || json[at] == '\n' || json[at] == '\r') {
                at++;
            }
        }

        /** Reads a string at {@link #at}, decoding escapes; leaves {@link #at} after its closing quote. */
        private String string() {
            if (json[at++] != '"') {
                throw new IllegalArgumentException("not a string");
            }
            StringBuilder text = new StringBuilder();
            int run = at;
            while (true) {
                byte b = json[at];
                if (b == '"') {
                    text.append(new String(json, run, at - run, StandardCharsets.UTF_8));
                    at++;
                    return text.toString();
                }
                if (b == '\\') {
                    text.append(new String(json, run, at - run, StandardCharsets.UTF_8));
                    text.append(escape(json[at + 1]));
                    run = at;
                } else {
                    at++;
                }
            }
        }

        /** Decodes the escape whose letter is {@code letter}; moves {@link #at} past it. */
        private char escape(byte letter) {
            at += 2;
            switch (letter) {
                case '"': return '"';
                case '\\': return '\\';
                case '/': return '/';
                case 'b': return '\b';
                case 'f': return '\f';
                case 'n': return '\n';
                case 'r': return '\r';
                case 't': return '\t';
                case 'u':
                    char c = (char) Integer.parseInt(new String(json, at, 4, StandardCharsets.US_ASCII), 16);
                    at += 4;
                    return c;
                default:
                    throw new IllegalArgumentException("bad escape");
            }
        }

        /** Moves {@link #at} past the value there: a string, an object, an array or a literal. */
        private void skipValue() {
            byte first = json[at];
            if (first == '"') {
                string();
            } else if (first == '{' || first == '[') {
                int depth = 0;
                do {
                    byte b = json[at];
                    if (b == '"') {
                        string();
                        continue;
                    }
                    if (b == '{' || b == '[') {
                        depth++;
                    } else if (b == '}' || b == ']') {
                        depth--;
                    }
                    at++;
                } while (depth > 0);
            } else {
                int start = at;
                while (at < json.length && json[at] != ',' && json[at] != '}' && json[at] != ']'
                        && json[at] != ' ' && json[at] != '\t' && json[at] != '\n' && json[at] != '\r') {
                    at++;
                }
                if (at == start) {
                    throw new IllegalArgumentException("no value");
                }
            }
        }
    }
}
