package dev.kiln.privacy.accountant;

/**
 * An (epsilon, delta)-differential-privacy guarantee and the Rényi order that gave it.
 *
 * @param epsilon   the privacy loss bound, {@code >= 0}; {@code +Infinity} if no order gives a finite bound
 * @param delta     the failure probability it holds with
 * @param bestOrder the order alpha at which the RDP-to-DP conversion was tightest; NaN when no
 *                  privacy was spent (no steps, or q = 0: epsilon is then exactly 0) or no order was finite
 */
public record PrivacySpent(double epsilon, double delta, double bestOrder) {}
