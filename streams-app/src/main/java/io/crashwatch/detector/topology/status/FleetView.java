package io.crashwatch.detector.topology.status;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One fleet: its components, the versions on each, and the incidents under way.
 *
 * @param devices devices that report the fleet's most reported component: every device reports each component it
 *                runs, so this is the fleet's size as far as telemetry tells it, without counting a device twice
 */
public record FleetView(String fleet, long devices, List<ComponentView> components, List<Incident> openIncidents) {

  /** Each fleet's components, from every instance's part, in fleet and component order. */
  public static List<FleetView> merge(List<ComponentView> components) {
    Map<String, List<ComponentView>> byFleet = new TreeMap<>();
    components.forEach(c -> byFleet.computeIfAbsent(c.fleet(), f -> new ArrayList<>()).add(c));
    List<FleetView> fleets = new ArrayList<>();
    byFleet.forEach((fleet, parts) -> {
      parts.sort(Comparator.comparing(ComponentView::component));
      fleets.add(new FleetView(fleet, parts.stream().mapToLong(ComponentView::devices).max().orElse(0), parts,
          parts.stream().map(ComponentView::incident).filter(Objects::nonNull).toList()));
    });
    return fleets;
  }
}
