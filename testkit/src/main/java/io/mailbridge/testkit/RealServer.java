package io.mailbridge.testkit;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test that needs the real Dovecot + Postfix stack. Inject {@link MailStack} as a parameter.
 * Without a running stack the test is skipped with a hint, except under {@code CI=true}, where it fails.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Tag("real-server")
@ExtendWith(RealMailStackExtension.class)
public @interface RealServer {}
