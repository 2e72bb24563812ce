package io.mailbridge.testkit;

import java.util.Optional;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/** Gives tests the running {@link MailStack}; see {@link RealServer}. */
public final class RealMailStackExtension implements ExecutionCondition, BeforeEachCallback, ParameterResolver {

  static boolean onCi() {
    return "true".equalsIgnoreCase(System.getenv("CI"));
  }

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    if (MailStack.find().isPresent() || onCi()) {
      // Under CI a missing stack is a failure, raised when the stack is resolved.
      return ConditionEvaluationResult.enabled("real mail stack available");
    }
    return ConditionEvaluationResult.disabled("real mail stack not running (no " + MailStack.infoFile()
        + "): start it with `scripts/mailstack start` to run real-server tests");
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    resolve();
  }

  @Override
  public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
    return p.getParameter().getType() == MailStack.class;
  }

  @Override
  public Object resolveParameter(ParameterContext p, ExtensionContext e) {
    return resolve();
  }

  private static MailStack resolve() {
    Optional<MailStack> stack = MailStack.find();
    return stack.orElseThrow(() -> new IllegalStateException("CI=true but the real mail stack is not running: "
        + MailStack.infoFile() + " is missing; .ci/run must run `scripts/mailstack start` first"));
  }
}
