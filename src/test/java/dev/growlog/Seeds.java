package dev.growlog;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Seeds for randomised tests. Each test picks its seed here: a fresh one, or the one given
 * with {@code -Dgrowlog.seed=N} to replay a failure. The seed is printed when it is picked and
 * attached to any failure of the test, with the command line that replays it.
 *
 * <pre>{@code @RegisterExtension final Seeds seeds = new Seeds();  ...  long seed = seeds.pick();}</pre>
 */
final class Seeds implements TestExecutionExceptionHandler {
    /** The seed the current test picked, or null before it picked one. */
    private Long seed;

    /** The seed for this test: {@code -Dgrowlog.seed} if set, else a fresh random one. Printed. */
    long pick() {
        if (seed == null) {
            String given = System.getProperty("growlog.seed");
            seed = given == null || given.isBlank() ? ThreadLocalRandom.current().nextLong() : Long.parseLong(given);
            System.out.println("seed=" + seed);
        }
        return seed;
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
        if (seed != null) {
            failure.addSuppressed(new AssertionError("random seed of " + context.getDisplayName() + " was " + seed
                    + "; replay: mvn test -Dtest=" + context.getRequiredTestClass().getSimpleName() + "#"
                    + context.getRequiredTestMethod().getName() + " -Dgrowlog.seed=" + seed));
        }
        throw failure;
    }
}
