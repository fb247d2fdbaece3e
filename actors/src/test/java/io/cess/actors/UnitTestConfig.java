package io.cess.actors;

import akka.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

/**
 * Actor system settings of the unit tests: a local (not cluster) provider, the in-memory journal
 * and snapshot store of the persistence testkit, and the production serialization binding. The
 * journal keeps objects; {@link #strictSerialization()} makes the testkit put every command, event
 * and state through jackson-cbor instead (the testkit warns when both do it).
 */
public final class UnitTestConfig {

  private UnitTestConfig() {}

  public static Config create() {
    return ConfigFactory.parseString(
            String.join(
                "\n",
                "akka.loggers = [\"akka.event.slf4j.Slf4jLogger\"]",
                "akka.logging-filter = \"akka.event.slf4j.Slf4jLoggingFilter\"",
                "akka.loglevel = WARNING",
                "akka.actor.serialization-bindings {",
                "  \"io.cess.actors.CborSerializable\" = jackson-cbor",
                "}"))
        .withFallback(EventSourcedBehaviorTestKit.config());
  }

  /** Commands, events and state are serialized after every command and must compare equal. */
  public static EventSourcedBehaviorTestKit.SerializationSettings strictSerialization() {
    return EventSourcedBehaviorTestKit.enabledSerializationSettings().withVerifyEquality(true);
  }
}
