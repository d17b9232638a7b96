package dev.growlog.kafka;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a test class that uses {@link KafkaBroker#shared()}: a run that includes one starts the
 * shared broker on a background thread as it begins ({@link SharedBrokerPrestart}), so that the
 * broker starts while the tests before it run.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface UsesSharedBroker {
}
