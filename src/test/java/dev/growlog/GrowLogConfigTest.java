package dev.growlog;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The configuration's documented defaults, its setters, and the range checks of
 * {@link GrowLogConfig.Builder#build()} at each limit and one step past it.
 */
class GrowLogConfigTest {
    private static final long KIB = 1024;
    private static final long MIB = 1024 * KIB;
    private static final long GIB = 1024 * MIB;
    private static final long TIB = 1024 * GIB;

    @Test
    void defaults_areTheDocumentedValues() {
        GrowLogConfig config = GrowLogConfig.defaults();
        assertThat(config.segmentSize()).isEqualTo(64 * MIB);
        assertThat(config.initialSize()).isEqualTo(MIB);
        assertThat(config.maxGrowthStep()).isEqualTo(256 * MIB);
        assertThat(config.rollSize()).isEqualTo(256 * MIB);
        assertThat(config.retentionBytes()).isZero();
        assertThat(config.retentionAge()).isNull();
        assertThat(config.retentionPolicy()).isEqualTo(RetentionPolicy.BLOCK);
        assertThat(config.cursorTimeout()).isEqualTo(Duration.ofHours(24));
        assertThat(config.sealedSyncDelay()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.headroom()).isEqualTo(64 * GIB);
        assertThat(config.durability()).isEqualTo(Durability.NONE);
        assertThat(config.syncInterval()).isEqualTo(Duration.ofMillis(100));
        assertThat(config.minFreeSpace()).isZero();
        assertThat(config.pretouchAhead()).isEqualTo(8 * MIB);
        assertThat(config.smallFolios()).isFalse();
    }

    @Test
    void everySetter_isKeptByBuild() {
        GrowLogConfig config = GrowLogConfig.builder().segmentSize(128 * 1024).initialSize(8192)
                .maxGrowthStep(16384).rollSize(1 << 20).headroom(12288).durability(Durability.INTERVAL)
                .syncInterval(Duration.ofMillis(7)).minFreeSpace(5).pretouchAhead(3).smallFolios(false).build();
        assertThat(config.segmentSize()).isEqualTo(128 * 1024);
        assertThat(config.initialSize()).isEqualTo(8192);
        assertThat(config.maxGrowthStep()).isEqualTo(16384);
        assertThat(config.rollSize()).isEqualTo(1 << 20);
        assertThat(config.headroom()).isEqualTo(12288);
        assertThat(config.durability()).isEqualTo(Durability.INTERVAL);
        assertThat(config.syncInterval()).isEqualTo(Duration.ofMillis(7));
        assertThat(config.minFreeSpace()).isEqualTo(5);
        assertThat(config.pretouchAhead()).isEqualTo(3);
        assertThat(config.smallFolios()).isFalse();
    }

    @Test
    void maxPayload_isTheSegmentSizeLessTheEightByteHeader() {
        assertThat(GrowLogConfig.maxPayload(64 * 1024)).isEqualTo(64 * 1024 - 8);
        assertThat(GrowLogConfig.maxPayload(1 << 30)).isEqualTo((1 << 30) - 8);
    }

    @Test
    void segmentSize_isAPowerOfTwoFrom64KiBTo1GiB() {
        assertThat(GrowLogConfig.builder().segmentSize(64 * 1024).build().segmentSize()).isEqualTo(64 * 1024);
        assertThat(GrowLogConfig.builder().segmentSize(1 << 30).build().segmentSize()).isEqualTo(1 << 30);
        assertRejected(GrowLogConfig.builder().segmentSize(32 * 1024), "segmentSize", "32768");
        assertRejected(GrowLogConfig.builder().segmentSize(96 * 1024), "segmentSize", "98304");
    }

    @Test
    void initialSize_isAtLeastTheHeaderPage() {
        assertThat(GrowLogConfig.builder().initialSize(4096).build().initialSize()).isEqualTo(4096);
        assertRejected(GrowLogConfig.builder().initialSize(4095), "initialSize", "4095");
    }

    @Test
    void maxGrowthStep_isAtLeastOnePage() {
        assertThat(GrowLogConfig.builder().maxGrowthStep(4096).build().maxGrowthStep()).isEqualTo(4096);
        assertRejected(GrowLogConfig.builder().maxGrowthStep(4095), "maxGrowthStep", "4095");
    }

    @Test
    void rollSize_mayEqualTheInitialSize_butNotBeBelowIt() {
        GrowLogConfig.Builder small = GrowLogConfig.builder().segmentSize(64 * 1024);
        assertThat(small.initialSize(128 * 1024).rollSize(128 * 1024).build().rollSize()).isEqualTo(128 * 1024);
        assertRejected(GrowLogConfig.builder().segmentSize(64 * 1024).initialSize(128 * 1024 + 4096)
                .rollSize(128 * 1024), "rollSize", "131072");
    }

    @Test
    void headroom_isFromZeroTo64TiB() {
        assertThat(GrowLogConfig.builder().headroom(0).build().headroom()).isZero();
        assertThat(GrowLogConfig.builder().headroom(64 * TIB).build().headroom()).isEqualTo(64 * TIB);
        assertRejected(GrowLogConfig.builder().headroom(-1), "headroom", "-1");
        assertRejected(GrowLogConfig.builder().headroom(64 * TIB + 1), "headroom", Long.toString(64 * TIB + 1));
    }

    @Test
    void syncInterval_isPositive() {
        assertThat(GrowLogConfig.builder().syncInterval(Duration.ofNanos(1)).build().syncInterval())
                .isEqualTo(Duration.ofNanos(1));
        assertRejected(GrowLogConfig.builder().syncInterval(Duration.ZERO), "syncInterval", "PT0S");
        assertRejected(GrowLogConfig.builder().syncInterval(Duration.ofNanos(-1)), "syncInterval", "PT-0.000000001S");
    }

    @Test
    void sealedSyncDelay_mayBeZero_butNotNegative() {
        assertThat(GrowLogConfig.builder().sealedSyncDelay(Duration.ZERO).build().sealedSyncDelay()).isZero();
        assertRejected(GrowLogConfig.builder().sealedSyncDelay(Duration.ofMillis(-1)), "sealedSyncDelay", "PT-0.001S");
    }

    @Test
    void pretouchAheadAndMinFreeSpace_mayBeZero_butNotNegative() {
        assertThat(GrowLogConfig.builder().pretouchAhead(0).minFreeSpace(0).build().pretouchAhead()).isZero();
        assertRejected(GrowLogConfig.builder().pretouchAhead(-1), "pretouchAhead", "-1");
        assertRejected(GrowLogConfig.builder().minFreeSpace(-1), "minFreeSpace", "-1");
    }

    @Test
    void toString_namesEverySetting() {
        assertThat(GrowLogConfig.defaults().toString()).isEqualTo("GrowLogConfig{segmentSize=67108864,"
                + " initialSize=1048576, maxGrowthStep=268435456, rollSize=268435456, headroom=68719476736,"
                + " durability=NONE, syncInterval=PT0.1S, minFreeSpace=0, pretouchAhead=8388608, smallFolios=false,"
                + " retentionBytes=0, retentionAge=null, retentionPolicy=BLOCK, cursorTimeout=PT24H,"
                + " sealedSyncDelay=PT30S}");
        assertThat(GrowLogConfig.builder().durability(Durability.EVERY_APPEND).build().toString())
                .contains("smallFolios=true,");
    }

    private static void assertRejected(GrowLogConfig.Builder builder, String setting, String value) {
        assertThatIllegalArgumentException().isThrownBy(builder::build)
                .withMessageContaining(setting).withMessageContaining(value);
    }
}
