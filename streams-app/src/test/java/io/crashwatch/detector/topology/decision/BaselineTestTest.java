package io.crashwatch.detector.topology.decision;

import static org.assertj.core.api.Assertions.assertThat;

import io.crashwatch.detector.topology.MonteCarlo;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The baseline test on its own: it speaks fast on a catastrophe, stays quiet at the tolerated ratio, and says when it never can. */
class BaselineTestTest {
  private static final double R = 2.0;
  private static final double SECOND = 1 / 3600.0;

  @Test
  void shouldHaltAWholeFleetBootLoopAfterSecondsOfHistoryWithoutHistoricalFailures() {
    BaselineTest test = new BaselineTest(1500 * 3 * SECOND, 0); // 1,500 hosts seen for 3 s, none failed
    for (int i = 0; i < 8; i++) {
      test.exposure(20 * SECOND); // 20 hosts on the update for a second between failures
      test.failure();
    }

    assertThat(test.statistic(R)).isGreaterThanOrEqualTo(2 / 0.001);
  }

  @Test
  void shouldNotSpeakWhenTheCandidateFailsLikeTheFleetDidBefore() {
    BaselineTest test = new BaselineTest(1000, 100); // 0.1 failures per device-hour before the rollout
    for (int i = 0; i < 200; i++) {
      test.exposure(10); // 0.1 per device-hour on the candidate too
      test.failure();
      assertThat(test.statistic(R)).as("after %d failures", i + 1).isLessThan(1);
    }
  }

  @Test
  void shouldNeverSpeakWithoutHistory() {
    BaselineTest test = new BaselineTest(0, 0);
    for (int i = 0; i < 100; i++) {
      test.exposure(SECOND);
      test.failure();
    }

    assertThat(test.statistic(R)).as("a likelihood ratio of 1, over 8 paces").isEqualTo(1.0 / 8);
    assertThat(test.canReach(R, 1_000_000, SECOND, 2000)).isFalse();
  }

  @Test
  void shouldTellWhetherAHistoryCanEverReachTheThreshold() {
    assertThat(new BaselineTest(1500 * 3 * SECOND, 0).canReach(R, 1500, SECOND, 2000)).as("seconds of a big fleet").isTrue();
    assertThat(new BaselineTest(5 * SECOND, 0).canReach(R, 5, 60 * SECOND, 2000)).as("5 devices, 1 s each").isFalse();
    assertThat(new BaselineTest(10_000, 50).canReach(R, 10, 60 * SECOND, 2000)).as("a week of a small fleet").isTrue();
  }

  /**
   * Validity with the history's own randomness: at exactly the tolerated ratio, monitored after every
   * failure, the test rejects at 1/alpha in at most an alpha share of runs (binomial margin, one
   * seed in a thousand may fail a valid test).
   */
  @Test
  void shouldRejectAtMostAlphaOfRunsAtTheToleratedRatio() {
    double alpha = 0.05;
    int runs = 4000;
    long rejected = 0;
    for (int seed = 0; seed < runs; seed++) {
      SplittableRandom random = new SplittableRandom(seed);
      double historyHours = 100;
      double rate = 0.1;
      BaselineTest test = new BaselineTest(historyHours, poisson(rate * historyHours, random));
      double exposure = 0;
      while (exposure < 400) {
        double gap = -Math.log(1 - random.nextDouble()) / (R * rate);
        exposure += gap;
        test.exposure(gap);
        test.failure();
        if (test.statistic(R) >= 1 / alpha) {
          rejected++;
          break;
        }
      }
    }
    System.out.printf("baseline test alone: %d of %d runs rejected at the tolerated ratio, alpha %s%n", rejected, runs, alpha);
    assertThat(rejected).isLessThanOrEqualTo(MonteCarlo.upperCount(runs, alpha));
  }

  private static long poisson(double mean, SplittableRandom random) {
    long k = 0;
    double t = -Math.log(1 - random.nextDouble());
    while (t < mean) {
      k++;
      t += -Math.log(1 - random.nextDouble());
    }
    return k;
  }
}
