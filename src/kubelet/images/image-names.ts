// Names of the images k8ts builds itself: the pod sandbox (pause) image and the busybox test images.

/** The CRI sandbox_image of every node: static `catatonit -P`, built locally (no registry). */
export const PAUSE_IMAGE = 'localhost/k8ts/pause:1';

/** Repository of the test images; tags TEST_IMAGE_TAGS share one layer and differ only in the TEST_IMAGE_LABEL label. */
export const BUSYBOX_REPOSITORY = 'localhost/busybox';
export const TEST_IMAGE_TAGS = ['1.35', '1.36', '1.37'] as const;
export const TEST_IMAGE_LABEL = 'io.k8ts.test-image.tag';

/** `localhost/busybox:<tag>` */
export function busyboxImage(tag: (typeof TEST_IMAGE_TAGS)[number] = '1.35'): string {
  return `${BUSYBOX_REPOSITORY}:${tag}`;
}
