package dev.growlog.kafka;

import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Starts the shared Kafka broker in the background when a run that includes a class marked
 * {@link UsesSharedBroker} begins. The first test to ask for the broker waits for that start to
 * end ({@link KafkaBroker#shared()} is synchronized); if it failed, that test starts the broker
 * itself and fails with the reason. Registered as a service of the JUnit Platform launcher.
 */
public final class SharedBrokerPrestart implements TestExecutionListener {
    @Override
    public void testPlanExecutionStarted(TestPlan plan) {
        if (usesSharedBroker(plan)) {
            KafkaBroker.startSharedInBackground();
        }
    }

    private static boolean usesSharedBroker(TestPlan plan) {
        for (TestIdentifier root : plan.getRoots()) {
            for (TestIdentifier test : plan.getDescendants(root)) {
                if (test.getSource().orElse(null) instanceof ClassSource source
                        && source.getJavaClass().isAnnotationPresent(UsesSharedBroker.class)) {
                    return true;
                }
            }
        }
        return false;
    }
}
