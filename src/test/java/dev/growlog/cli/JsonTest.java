package dev.growlog.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class JsonTest {
    private static String quote(String text) {
        return Json.quote(new StringBuilder(), text).toString();
    }

    @Test
    void quote_escapesQuotesBackslashesAndControlCharacters() {
        assertThat(quote("a\"b\\c")).isEqualTo("\"a\\\"b\\\\c\"");
        assertThat(quote("\n\r\t\b\f")).isEqualTo("\"\\n\\r\\t\\b\\f\"");
        assertThat(quote("\u0000\u001f\u007f")).isEqualTo("\"\\u0000\\u001f\\u007f\"");
        assertThat(quote("\u2028\u2029")).isEqualTo("\"\\u2028\\u2029\"");
    }

    @Test
    void quote_keepsOtherCharactersAsTheyAre() {
        assertThat(quote("héllo €  / 😀")).isEqualTo("\"héllo €  / 😀\"");
    }

    @Test
    void record_validUtf8_isText_otherwiseBase64() {
        RecordPrinter printer = new RecordPrinter(new Output(new ByteArrayOutputStream()), RecordPrinter.Format.json);
        byte[] text = "tab\there".getBytes(StandardCharsets.UTF_8);
        byte[] binary = {(byte) 0xc3, 0x28, 0};

        assertThat(printer.json(4096, text, text.length))
                .isEqualTo("{\"position\":4096,\"length\":8,\"encoding\":\"utf-8\",\"payload\":\"tab\\there\"}");
        assertThat(printer.json(4112, binary, binary.length))
                .isEqualTo("{\"position\":4112,\"length\":3,\"encoding\":\"base64\",\"payload\":\"wygA\"}");
        assertThat(printer.json(4120, binary, 0))
                .isEqualTo("{\"position\":4120,\"length\":0,\"encoding\":\"utf-8\",\"payload\":\"\"}");
    }
}
