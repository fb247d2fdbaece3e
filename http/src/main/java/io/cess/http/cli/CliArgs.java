package io.cess.http.cli;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code --name value} options of one subcommand; unknown or valueless options are refused. */
public final class CliArgs {
  private final Map<String, String> values = new HashMap<>();

  public CliArgs(List<String> args, Set<String> allowed) {
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (!a.startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument '" + a + "'");
      }
      String name = a.substring(2);
      String value;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      } else {
        if (i + 1 >= args.size()) {
          throw new IllegalArgumentException("option --" + name + " needs a value");
        }
        value = args.get(++i);
      }
      if (!allowed.contains(name)) {
        throw new IllegalArgumentException("unknown option --" + name + " (known: --" + String.join(", --", allowed) + ")");
      }
      values.put(name, value);
    }
  }

  public String get(String name, String fallback) {
    return values.getOrDefault(name, fallback);
  }

  public String get(String name) {
    return values.get(name);
  }

  public int getInt(String name, int fallback) {
    String v = values.get(name);
    if (v == null) {
      return fallback;
    }
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + name + " must be an integer, was '" + v + "'");
    }
  }
}
