package dev.growlog.cli;

import dev.growlog.LogReader;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Writes records to stdout in one of the {@link Format}s. Not thread-safe.
 */
final class RecordPrinter {
    /** How {@code cat} and {@code tail} print a record. */
    enum Format {
        /** {@code POSITION<TAB>payload<LF>}, the payload's bytes as stored. */
        text,
        /**
         * One JSON object per line: {@code {"position":P,"length":N,"encoding":"utf-8","payload":"..."}},
         * or {@code "encoding":"base64"} with the payload in Base64 when it is not valid UTF-8.
         */
        json,
        /** The payload's bytes and an LF: what {@code ingest} read, back again. */
        raw
    }

    private final Output out;
    private final Format format;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private final StringBuilder json = new StringBuilder();
    /** Copy of the current payload (the reader's view is read-only). */
    private byte[] payload = new byte[4096];

    RecordPrinter(Output out, Format format) {
        this.out = out;
        this.format = format;
    }

    /** Prints the reader's current record. */
    void print(LogReader reader) throws StdoutClosedException {
        int length = reader.length();
        if (payload.length < length) {
            payload = new byte[Math.max(length, 2 * payload.length)];
        }
        reader.payload().get(payload, 0, length);
        print(reader.position(), payload, length);
    }

    void print(long position, byte[] bytes, int length) throws StdoutClosedException {
        switch (format) {
            case text:
                out.print(Long.toString(position));
                out.write('\t');
                out.write(bytes, 0, length);
                out.write('\n');
                break;
            case raw:
                out.write(bytes, 0, length);
                out.write('\n');
                break;
            case json:
                out.println(json(position, bytes, length));
                break;
            default:
                throw new AssertionError(format);
        }
    }

    /** The JSON line for one record. */
    String json(long position, byte[] bytes, int length) {
        json.setLength(0);
        json.append("{\"position\":").append(position).append(",\"length\":").append(length);
        CharBuffer text = decodeUtf8(bytes, length);
        if (text != null) {
            json.append(",\"encoding\":\"utf-8\",\"payload\":");
            Json.quote(json, text);
        } else {
            json.append(",\"encoding\":\"base64\",\"payload\":\"")
                    .append(StandardCharsets.US_ASCII.decode(
                            Base64.getEncoder().encode(ByteBuffer.wrap(bytes, 0, length))))
                    .append('"');
        }
        return json.append('}').toString();
    }

    /** The payload as text, or null when it is not valid UTF-8. */
    private CharBuffer decodeUtf8(byte[] bytes, int length) {
        try {
            return utf8.reset().decode(ByteBuffer.wrap(bytes, 0, length));
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
