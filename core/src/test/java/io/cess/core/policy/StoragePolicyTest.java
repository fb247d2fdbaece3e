package io.cess.core.policy;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import org.junit.Test;

public class StoragePolicyTest {

  @Test
  public void extraRedundancyAddsTwoParityShardsOrOneReplica() {
    assertEquals(StoragePolicy.parse("ec:4+4"), StoragePolicy.parse("ec:4+2").withExtraRedundancy());
    assertEquals(StoragePolicy.parse("ec:2+2"), StoragePolicy.parse("ec:2+0").withExtraRedundancy());
    assertEquals(StoragePolicy.parse("replicas:4"), StoragePolicy.parse("replicas:3").withExtraRedundancy());
    assertEquals(StoragePolicy.parse("replicas:2"), StoragePolicy.parse("replicas:1").withExtraRedundancy());
  }

  @Test
  public void extraRedundancyBeyondTheLimitsIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> StoragePolicy.parse("ec:30+1").withExtraRedundancy());
    assertThrows(IllegalArgumentException.class, () -> StoragePolicy.parse("replicas:16").withExtraRedundancy());
  }

  @Test
  public void strengthIsTheNumberOfShardsThatMayBeLost() {
    StoragePolicy ec42 = StoragePolicy.parse("ec:4+2");
    assertTrue(ec42.withExtraRedundancy().toleratesAtLeast(ec42));
    assertFalse(ec42.toleratesAtLeast(ec42.withExtraRedundancy()));
    assertTrue(StoragePolicy.parse("replicas:3").toleratesAtLeast(ec42));
    assertTrue(ec42.toleratesAtLeast(StoragePolicy.parse("replicas:3")));
  }
}
