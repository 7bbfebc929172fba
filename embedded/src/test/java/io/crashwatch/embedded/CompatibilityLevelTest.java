package io.crashwatch.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.Test;

class CompatibilityLevelTest {

  private static final Schema A = SchemaBuilder.record("R").fields().requiredString("a").endRecord();
  private static final Schema AB = SchemaBuilder.record("R").fields().requiredString("a").requiredString("b").endRecord();
  private static final Schema ABC_DEFAULT = SchemaBuilder.record("R").fields().requiredString("a").requiredString("b")
      .name("c").type().intType().intDefault(0).endRecord();

  @Test
  void shouldLetNewReadersAddOnlyDefaultedFieldsWhenBackward() {
    assertThat(CompatibilityLevel.BACKWARD.problems(AB, List.of(A))).isNotEmpty();
    assertThat(CompatibilityLevel.BACKWARD.problems(ABC_DEFAULT, List.of(AB))).isEmpty();
  }

  @Test
  void shouldLetOldReadersReadNewDataWhenForward() {
    assertThat(CompatibilityLevel.FORWARD.problems(AB, List.of(A))).isEmpty();
    assertThat(CompatibilityLevel.FORWARD.problems(A, List.of(AB))).isNotEmpty();
  }

  @Test
  void shouldRequireBothDirectionsWhenFull() {
    assertThat(CompatibilityLevel.FULL.problems(AB, List.of(A))).isNotEmpty();
    assertThat(CompatibilityLevel.FULL.problems(ABC_DEFAULT, List.of(AB))).isEmpty();
  }

  @Test
  void shouldCheckOnlyTheLatestVersionUnlessTransitive() {
    assertThat(CompatibilityLevel.BACKWARD.problems(ABC_DEFAULT, List.of(A, AB))).isEmpty();
    assertThat(CompatibilityLevel.BACKWARD_TRANSITIVE.problems(ABC_DEFAULT, List.of(A, AB))).isNotEmpty();
  }

  @Test
  void shouldAcceptAnythingWhenNone() {
    assertThat(CompatibilityLevel.NONE.problems(A, List.of(AB, ABC_DEFAULT))).isEmpty();
  }

  @Test
  void shouldParseLevelsCaseInsensitively() {
    assertThat(CompatibilityLevel.parse("full_transitive")).isEqualTo(CompatibilityLevel.FULL_TRANSITIVE);
    assertThatThrownBy(() -> CompatibilityLevel.parse("SIDEWAYS")).isInstanceOf(RegistryException.class);
    assertThatThrownBy(() -> CompatibilityLevel.parse(null)).isInstanceOf(RegistryException.class);
  }
}
