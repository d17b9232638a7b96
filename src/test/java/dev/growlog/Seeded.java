package dev.growlog;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

import java.util.Random;

/**
 * Gives a test a seeded {@link Random} parameter and names the seed when the test fails, so the
 * failing run can be repeated with {@code mvn test -Dgrowlog.seed=<seed>}.
 *
 * <pre>{@code
 * @ExtendWith(Seeded.class)
 * class SomeTest {
 *     @Test void something(Random random) { ... }
 * }
 * }</pre>
 */
public final class Seeded implements ParameterResolver, TestExecutionExceptionHandler {
    static final String PROPERTY = "growlog.seed";

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(Seeded.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == Random.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        long seed = seed(context);
        context.publishReportEntry(PROPERTY, Long.toString(seed));
        // Report entries reach no console: say it where the test's own output goes too.
        System.out.println(context.getDisplayName() + ": random seed " + seed + "; repeat with -D" + PROPERTY + "="
                + seed);
        return new Random(seed);
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
        Long seed = context.getStore(NAMESPACE).get("seed", Long.class);
        if (seed != null) {
            failure.addSuppressed(new SeedNote(seed));
        }
        throw failure;
    }

    private static long seed(ExtensionContext context) {
        return context.getStore(NAMESPACE).getOrComputeIfAbsent("seed", key -> {
            String fixed = System.getProperty(PROPERTY);
            return fixed != null && !fixed.isBlank() ? Long.parseLong(fixed.trim()) : System.nanoTime();
        }, Long.class);
    }

    /** Shows the seed in the failure report, under the test's own exception. */
    static final class SeedNote extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SeedNote(long seed) {
            super("random seed " + seed + "; repeat with -D" + PROPERTY + "=" + seed, null, false, false);
        }
    }
}
