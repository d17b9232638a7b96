package dev.growlog.kafka;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RecordKeyTest {
    private static String key(String spec, String record) {
        byte[] key = RecordKey.parse(spec).of(record.getBytes(StandardCharsets.UTF_8));
        return key == null ? null : new String(key, StandardCharsets.UTF_8);
    }

    @Test
    void aStringField_isItsDecodedText() {
        assertThat(key("field:host", "{\"a\":1,\"host\":\"web-1\"}")).isEqualTo("web-1");
        assertThat(key("field:host", " {\n \"host\" : \"caf\\u00e9 \\\"x\\\" \\\\ é\" } ")).isEqualTo("café \"x\" \\ é");
        assertThat(key("field:h\"q", "{\"h\\\"q\":\"v\"}")).isEqualTo("v");
    }

    @Test
    void otherValues_areTheirJsonText() {
        assertThat(key("field:n", "{\"n\":-12.5e3,\"m\":0}")).isEqualTo("-12.5e3");
        assertThat(key("field:b", "{\"b\":true}")).isEqualTo("true");
        assertThat(key("field:o", "{\"o\":{\"x\":[1,\"}\"]},\"p\":2}")).isEqualTo("{\"x\":[1,\"}\"]}");
        assertThat(key("field:a", "{\"a\":[1, 2]}")).isEqualTo("[1, 2]");
    }

    @Test
    void onlyTopLevelFieldsCount_afterNestedValuesAreSkipped() {
        assertThat(key("field:host", "{\"inner\":{\"host\":\"no\"},\"list\":[{\"host\":\"no\"}],\"host\":\"yes\"}"))
                .isEqualTo("yes");
        assertThat(key("field:host", "{\"inner\":{\"host\":\"no\"}}")).isNull();
    }

    @Test
    void aRecordThatIsNotJson_lacksTheField_orHasItNull_getsNoKey() {
        assertThat(key("field:host", "83.149.9.216 - - [17/May/2015:10:05:03 +0000] \"GET /\"")).isNull();
        assertThat(key("field:host", "")).isNull();
        assertThat(key("field:host", "[\"host\",\"x\"]")).isNull();
        assertThat(key("field:host", "{\"other\":1}")).isNull();
        assertThat(key("field:host", "{\"host\":null}")).isNull();
        assertThat(key("field:host", "{\"a\" 1, \"host\":\"x\"}")).isNull();
        assertThat(key("field:host", "{\"host\":\"unterminated")).isNull();
        assertThat(key("field:host", "{\"host\":\"bad \\q escape\"}")).isNull();
        assertThat(key("none", "{\"host\":\"x\"}")).isNull();
    }

    @Test
    void parse_refusesAnythingButNoneAndField() {
        assertThatThrownBy(() -> RecordKey.parse("field:")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RecordKey.parse("host")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'none' or 'field:NAME'");
    }
}
