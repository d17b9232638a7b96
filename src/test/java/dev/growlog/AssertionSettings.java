package dev.growlog;

import org.assertj.core.configuration.Configuration;

/**
 * AssertJ settings for these tests, found through {@code META-INF/services}: payloads are up to
 * 64 KiB, so a failed comparison prints only the start of each array instead of all of it.
 */
public final class AssertionSettings extends Configuration {
    @Override
    public int maxElementsForPrinting() {
        return 24;
    }
}
