// Realistic objects of every kind in Go's canonical JSON form, for the protobuf round-trip tests.

type Obj = Record<string, unknown>;

export interface Fixture {
  name: string;
  obj: Obj;
  /**
   * kubectl arguments (before `-f FILE --local -o json`) that re-encode the object through Go's types
   * unchanged — except `set subject`, which prints nothing without a change: it adds the group
   * "oracle-check", which the test takes out again.
   */
  oracle?: string[];
}

const T1 = '2024-05-01T10:00:00Z';
const T2 = '2024-05-01T10:05:30Z';

const meta = (name: string, extra: Obj = {}): Obj => ({
  name,
  namespace: 'default',
  uid: '6f1f6a8e-2f0c-4c55-9d1e-3c1f0a7b9e21',
  resourceVersion: '12345',
  generation: 3,
  creationTimestamp: T1,
  labels: { app: 'web', tier: 'frontend' },
  annotations: { 'example.com/note': 'hello, world', 'kubectl.kubernetes.io/last-applied-configuration': '{"kind":"X"}\n' },
  ...extra,
});

const managedFields = [
  {
    manager: 'kubectl-client-side-apply',
    operation: 'Update',
    apiVersion: 'apps/v1',
    time: T1,
    fieldsType: 'FieldsV1',
    fieldsV1: { 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } }, 'f:spec': { 'f:replicas': {} } },
  },
  { manager: 'kube-controller-manager', operation: 'Update', apiVersion: 'apps/v1', time: T2, fieldsType: 'FieldsV1', fieldsV1: { 'f:status': {} }, subresource: 'status' },
];

const container = (name: string): Obj => ({
  name,
  image: 'localhost/busybox:1.35',
  command: ['/bin/sh', '-c'],
  args: ['exec httpd -f -p 8080'],
  workingDir: '/srv',
  ports: [
    { name: 'http', containerPort: 8080, protocol: 'TCP' },
    { name: 'metrics', hostPort: 9100, containerPort: 9100, protocol: 'UDP', hostIP: '127.0.0.1' },
  ],
  envFrom: [{ prefix: 'CFG_', configMapRef: { name: 'settings', optional: true } }, { secretRef: { name: 'creds' } }],
  env: [
    { name: 'PLAIN', value: 'v' },
    { name: 'EMPTY' },
    { name: 'POD_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
    { name: 'MEM', valueFrom: { resourceFieldRef: { containerName: name, resource: 'limits.memory', divisor: '1Mi' } } },
    { name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'creds', key: 'password', optional: false } } },
    { name: 'MODE', valueFrom: { configMapKeyRef: { name: 'settings', key: 'mode' } } },
  ],
  resources: { limits: { cpu: '500m', memory: '128Mi', 'example.com/gpu': '1' }, requests: { cpu: '250m', memory: '64Mi', 'ephemeral-storage': '1Gi' } },
  volumeMounts: [
    { name: 'cache', mountPath: '/cache' },
    { name: 'config', readOnly: true, mountPath: '/etc/app', subPath: 'app.conf' },
    { name: 'data', mountPath: '/data', mountPropagation: 'HostToContainer', subPathExpr: '$(POD_NAME)' },
  ],
  livenessProbe: {
    httpGet: { path: '/healthz', port: 8080, host: '127.0.0.1', scheme: 'HTTP', httpHeaders: [{ name: 'X-Probe', value: 'live' }] },
    initialDelaySeconds: 5,
    timeoutSeconds: 2,
    periodSeconds: 10,
    successThreshold: 1,
    failureThreshold: 3,
    terminationGracePeriodSeconds: 20,
  },
  readinessProbe: { tcpSocket: { port: 'http' }, periodSeconds: 5 },
  startupProbe: { exec: { command: ['cat', '/tmp/ready'] }, periodSeconds: 10, failureThreshold: 30 },
  lifecycle: {
    postStart: { exec: { command: ['sh', '-c', 'echo started'] } },
    preStop: { httpGet: { path: '/quit', port: 'http' } },
  },
  terminationMessagePath: '/dev/termination-log',
  terminationMessagePolicy: 'FallbackToLogsOnError',
  imagePullPolicy: 'IfNotPresent',
  securityContext: {
    capabilities: { add: ['NET_BIND_SERVICE'], drop: ['ALL'] },
    privileged: false,
    runAsUser: 1000,
    runAsNonRoot: true,
    readOnlyRootFilesystem: true,
    allowPrivilegeEscalation: false,
    seccompProfile: { type: 'RuntimeDefault' },
  },
  stdin: true,
  tty: true,
});

const podSpec = (): Obj => ({
  volumes: [
    { name: 'cache', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } },
    { name: 'config', configMap: { name: 'settings', items: [{ key: 'app.conf', path: 'app.conf', mode: 256 }], defaultMode: 420, optional: true } },
    { name: 'creds', secret: { secretName: 'creds', defaultMode: 384 } },
    { name: 'data', persistentVolumeClaim: { claimName: 'data', readOnly: true } },
    { name: 'host', hostPath: { path: '/var/log', type: 'Directory' } },
    {
      name: 'kube-api-access',
      projected: {
        sources: [
          { serviceAccountToken: { audience: 'api', expirationSeconds: 3607, path: 'token' } },
          { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
          { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
        ],
        defaultMode: 420,
      },
    },
    { name: 'share', nfs: { server: 'nfs.local', path: '/exports', readOnly: true } },
    { name: 'info', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }, { path: 'cpu', resourceFieldRef: { containerName: 'app', resource: 'limits.cpu', divisor: '1m' } }] } },
  ],
  initContainers: [{ name: 'init', image: 'localhost/busybox:1.35', command: ['sh', '-c', 'true'], resources: {}, restartPolicy: 'Always' }],
  containers: [container('app'), { name: 'sidecar', image: 'localhost/busybox:1.36', resources: {} }],
  restartPolicy: 'Always',
  terminationGracePeriodSeconds: 45,
  activeDeadlineSeconds: 3600,
  dnsPolicy: 'ClusterFirst',
  nodeSelector: { 'kubernetes.io/os': 'linux' },
  serviceAccountName: 'web',
  serviceAccount: 'web',
  automountServiceAccountToken: false,
  shareProcessNamespace: true,
  securityContext: {
    runAsUser: 1000,
    runAsGroup: 3000,
    runAsNonRoot: true,
    supplementalGroups: [4000, 5000],
    fsGroup: 2000,
    sysctls: [{ name: 'net.ipv4.ip_local_port_range', value: '1024 65535' }],
    fsGroupChangePolicy: 'OnRootMismatch',
    seccompProfile: { type: 'Localhost', localhostProfile: 'profiles/audit.json' },
  },
  imagePullSecrets: [{ name: 'regcred' }],
  hostname: 'web-0',
  subdomain: 'web',
  affinity: {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [{ matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd', 'nvme'] }], matchFields: [{ key: 'metadata.name', operator: 'NotIn', values: ['bad-node'] }] }],
      },
      preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, preference: { matchExpressions: [{ key: 'zone', operator: 'Exists' }] } }],
    },
    podAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'cache' } }, namespaces: ['default', 'infra'], topologyKey: 'kubernetes.io/hostname' }],
    },
    podAntiAffinity: {
      preferredDuringSchedulingIgnoredDuringExecution: [
        { weight: 100, podAffinityTerm: { labelSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['web'] }] }, topologyKey: 'topology.kubernetes.io/zone', matchLabelKeys: ['pod-template-hash'] } },
      ],
    },
  },
  schedulerName: 'default-scheduler',
  tolerations: [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    { key: 'dedicated', operator: 'Equal', value: 'web', effect: 'NoSchedule' },
    { operator: 'Exists' },
  ],
  hostAliases: [{ ip: '10.0.0.1', hostnames: ['db.local', 'cache.local'] }],
  priorityClassName: 'high',
  priority: 1000,
  dnsConfig: { nameservers: ['10.96.0.10'], searches: ['svc.cluster.local'], options: [{ name: 'ndots', value: '2' }, { name: 'edns0' }] },
  readinessGates: [{ conditionType: 'example.com/ready' }],
  runtimeClassName: 'runc',
  enableServiceLinks: false,
  preemptionPolicy: 'PreemptLowerPriority',
  overhead: { cpu: '10m', memory: '1Mi' },
  topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'web' } }, minDomains: 2, nodeAffinityPolicy: 'Honor' }],
  os: { name: 'linux' },
  hostUsers: false,
});

const template = (): Obj => ({ metadata: { creationTimestamp: null, labels: { app: 'web' }, annotations: { 'example.com/rev': '2' } }, spec: podSpec() });

export const FIXTURES: Fixture[] = [
  {
    name: 'Pod with resources, probes, tolerations, affinity, volumes and status',
    oracle: ['set', 'serviceaccount', 'web'],
    obj: {
      kind: 'Pod',
      apiVersion: 'v1',
      metadata: meta('web-0', {
        generateName: 'web-',
        generation: 1,
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'a2b8c3d4-0000-4000-8000-000000000001', controller: true, blockOwnerDeletion: true }],
        finalizers: ['example.com/keep'],
        deletionTimestamp: T2,
        deletionGracePeriodSeconds: 30,
      }),
      spec: { ...podSpec(), nodeName: 'node-1' },
      status: {
        phase: 'Running',
        conditions: [
          { type: 'Ready', status: 'True', lastProbeTime: null, lastTransitionTime: T2 },
          { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: T1, reason: 'Scheduled', message: 'ok' },
        ],
        hostIP: '192.168.1.10',
        hostIPs: [{ ip: '192.168.1.10' }],
        podIP: '10.244.1.5',
        podIPs: [{ ip: '10.244.1.5' }, { ip: 'fd00::5' }],
        startTime: T1,
        initContainerStatuses: [
          {
            name: 'init',
            state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: T1, finishedAt: T1, containerID: 'containerd://aa' } },
            lastState: {},
            ready: true,
            restartCount: 0,
            image: 'localhost/busybox:1.35',
            imageID: 'sha256:abc',
            containerID: 'containerd://aa',
            started: false,
          },
        ],
        containerStatuses: [
          {
            name: 'app',
            state: { running: { startedAt: T2 } },
            lastState: { terminated: { exitCode: 137, signal: 9, reason: 'OOMKilled', message: 'out of memory', startedAt: T1, finishedAt: T2, containerID: 'containerd://bb' } },
            ready: true,
            restartCount: 1,
            image: 'localhost/busybox:1.35',
            imageID: 'sha256:abc',
            containerID: 'containerd://cc',
            started: true,
          },
          { name: 'sidecar', state: { waiting: { reason: 'ContainerCreating' } }, lastState: {}, ready: false, restartCount: 0, image: 'localhost/busybox:1.36', imageID: '' },
        ],
        qosClass: 'Burstable',
      },
    },
  },
  {
    name: 'Deployment with full pod template',
    oracle: ['set', 'serviceaccount', 'web'],
    obj: {
      kind: 'Deployment',
      apiVersion: 'apps/v1',
      metadata: meta('web', { managedFields }),
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['db'] }] },
        template: template(),
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: '25%' } },
        minReadySeconds: 5,
        revisionHistoryLimit: 10,
        paused: true,
        progressDeadlineSeconds: 600,
      },
      status: {
        observedGeneration: 3,
        replicas: 3,
        updatedReplicas: 3,
        readyReplicas: 2,
        availableReplicas: 2,
        unavailableReplicas: 1,
        conditions: [{ type: 'Available', status: 'True', lastUpdateTime: T1, lastTransitionTime: T2, reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' }],
        collisionCount: 1,
      },
    },
  },
  {
    name: 'StatefulSet with volumeClaimTemplates',
    oracle: ['set', 'serviceaccount', 'web'],
    obj: {
      kind: 'StatefulSet',
      apiVersion: 'apps/v1',
      metadata: meta('db'),
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: 'web' } },
        template: template(),
        volumeClaimTemplates: [
          {
            metadata: { name: 'data', creationTimestamp: null },
            spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } }, storageClassName: 'local-path', volumeMode: 'Filesystem' },
            status: {},
          },
        ],
        serviceName: 'db',
        podManagementPolicy: 'Parallel',
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 1, maxUnavailable: 2 } },
        revisionHistoryLimit: 5,
        persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete', whenScaled: 'Retain' },
        ordinals: { start: 1 },
      },
      status: { replicas: 0, currentRevision: 'db-1', updateRevision: 'db-2', availableReplicas: 0 },
    },
  },
  {
    name: 'DaemonSet',
    oracle: ['set', 'serviceaccount', 'web'],
    obj: {
      kind: 'DaemonSet',
      apiVersion: 'apps/v1',
      metadata: meta('agent'),
      spec: { selector: { matchLabels: { app: 'web' } }, template: template(), updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } }, revisionHistoryLimit: 10 },
      status: { currentNumberScheduled: 2, numberMisscheduled: 0, desiredNumberScheduled: 2, numberReady: 1, updatedNumberScheduled: 2, numberAvailable: 1, numberUnavailable: 1 },
    },
  },
  {
    name: 'ReplicaSet',
    oracle: ['set', 'serviceaccount', 'web'],
    obj: {
      kind: 'ReplicaSet',
      apiVersion: 'apps/v1',
      metadata: meta('web-5d9c', { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'u-1', controller: true, blockOwnerDeletion: true }] }),
      spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: template() },
      status: { replicas: 2, fullyLabeledReplicas: 2, readyReplicas: 2, availableReplicas: 2, observedGeneration: 1 },
    },
  },
  {
    name: 'ReplicationController',
    oracle: ['set', 'serviceaccount', 'web'],
    obj: {
      kind: 'ReplicationController',
      apiVersion: 'v1',
      metadata: meta('legacy'),
      spec: { replicas: 1, minReadySeconds: 2, selector: { app: 'web' }, template: template() },
      status: { replicas: 1, readyReplicas: 1, availableReplicas: 1, observedGeneration: 2 },
    },
  },
  {
    name: 'Job',
    oracle: ['set', 'serviceaccount', 'web'],
    obj: {
      kind: 'Job',
      apiVersion: 'batch/v1',
      metadata: meta('batch'),
      spec: {
        parallelism: 2,
        completions: 4,
        activeDeadlineSeconds: 600,
        podFailurePolicy: { rules: [{ action: 'FailJob', onExitCodes: { containerName: 'app', operator: 'In', values: [42] } }, { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] }] },
        backoffLimit: 6,
        selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'u-2' } },
        manualSelector: false,
        template: { ...template(), spec: { ...podSpec(), restartPolicy: 'Never' } },
        ttlSecondsAfterFinished: 100,
        completionMode: 'Indexed',
        suspend: false,
      },
      status: { conditions: [{ type: 'Complete', status: 'True', lastProbeTime: T2, lastTransitionTime: T2 }], startTime: T1, completionTime: T2, succeeded: 4, completedIndexes: '0-3', uncountedTerminatedPods: {}, ready: 0 },
    },
  },
  {
    name: 'CronJob',
    oracle: ['set', 'serviceaccount', 'web'],
    obj: {
      kind: 'CronJob',
      apiVersion: 'batch/v1',
      metadata: meta('nightly'),
      spec: {
        schedule: '0 3 * * *',
        timeZone: 'Etc/UTC',
        startingDeadlineSeconds: 120,
        concurrencyPolicy: 'Forbid',
        suspend: true,
        jobTemplate: { metadata: { creationTimestamp: null, labels: { job: 'nightly' } }, spec: { backoffLimit: 0, template: { ...template(), spec: { ...podSpec(), restartPolicy: 'OnFailure' } } } },
        successfulJobsHistoryLimit: 3,
        failedJobsHistoryLimit: 1,
      },
      status: { active: [{ kind: 'Job', namespace: 'default', name: 'nightly-1', uid: 'u-3', apiVersion: 'batch/v1', resourceVersion: '7' }], lastScheduleTime: T1, lastSuccessfulTime: T2 },
    },
  },
  {
    name: 'Service with int and named targetPorts',
    oracle: ['set', 'selector', 'app=web'],
    obj: {
      kind: 'Service',
      apiVersion: 'v1',
      metadata: meta('web'),
      spec: {
        ports: [
          { name: 'http', protocol: 'TCP', appProtocol: 'http', port: 80, targetPort: 8080, nodePort: 30080 },
          { name: 'https', protocol: 'TCP', port: 443, targetPort: 'https', nodePort: 30443 },
          { name: 'dns', protocol: 'UDP', port: 53, targetPort: 0 },
        ],
        selector: { app: 'web' },
        clusterIP: '10.96.0.20',
        clusterIPs: ['10.96.0.20', 'fd00:10:96::20'],
        type: 'NodePort',
        externalIPs: ['192.0.2.10'],
        sessionAffinity: 'ClientIP',
        externalTrafficPolicy: 'Local',
        sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } },
        ipFamilies: ['IPv4', 'IPv6'],
        ipFamilyPolicy: 'PreferDualStack',
        internalTrafficPolicy: 'Cluster',
      },
      status: { loadBalancer: { ingress: [{ ip: '192.0.2.100', ipMode: 'VIP', ports: [{ port: 80, protocol: 'TCP' }] }] } },
    },
  },
  {
    name: 'headless Service',
    oracle: ['set', 'selector', 'app=db'],
    obj: {
      kind: 'Service',
      apiVersion: 'v1',
      metadata: { name: 'db', creationTimestamp: null },
      spec: { ports: [{ port: 5432, targetPort: 0 }], selector: { app: 'db' }, clusterIP: 'None', publishNotReadyAddresses: true },
      status: { loadBalancer: {} },
    },
  },
  {
    name: 'Secret with binary data',
    obj: {
      kind: 'Secret',
      apiVersion: 'v1',
      metadata: meta('creds'),
      immutable: true,
      data: { password: Buffer.from('s3cr3t').toString('base64'), blob: Buffer.from([0, 1, 2, 0xff, 0xfe, 0x80]).toString('base64'), empty: '' },
      type: 'Opaque',
    },
  },
  {
    name: 'Secret with stringData',
    obj: { kind: 'Secret', apiVersion: 'v1', metadata: { name: 'tls', creationTimestamp: null }, stringData: { 'tls.crt': 'CERT', 'tls.key': 'KEY' }, type: 'kubernetes.io/tls' },
  },
  {
    name: 'ConfigMap with binaryData',
    obj: {
      kind: 'ConfigMap',
      apiVersion: 'v1',
      metadata: meta('settings'),
      immutable: false,
      data: { mode: 'fast', 'app.conf': 'a = 1\nb = "two"\n', empty: '', 'ünïcödé': '✓ 日本語 🎉' },
      binaryData: { 'logo.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]).toString('base64') },
    },
  },
  {
    name: 'Namespace',
    obj: { kind: 'Namespace', apiVersion: 'v1', metadata: { name: 'team-a', uid: 'u-4', resourceVersion: '1', creationTimestamp: T1, labels: { 'kubernetes.io/metadata.name': 'team-a' } }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Terminating', conditions: [{ type: 'NamespaceDeletionContentFailure', status: 'False', lastTransitionTime: T2, reason: 'ContentDeleted', message: 'All content successfully deleted' }] } },
  },
  {
    name: 'ServiceAccount',
    obj: { kind: 'ServiceAccount', apiVersion: 'v1', metadata: meta('web'), secrets: [{ name: 'web-token' }], imagePullSecrets: [{ name: 'regcred' }], automountServiceAccountToken: false },
  },
  {
    name: 'Node with status',
    obj: {
      kind: 'Node',
      apiVersion: 'v1',
      metadata: { name: 'node-1', uid: 'u-5', resourceVersion: '99', creationTimestamp: T1, labels: { 'kubernetes.io/hostname': 'node-1' }, annotations: { 'node.alpha.kubernetes.io/ttl': '0' } },
      spec: { podCIDR: '10.244.1.0/24', podCIDRs: ['10.244.1.0/24'], providerID: 'k8ts://node-1', unschedulable: true, taints: [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule', timeAdded: T2 }, { key: 'dedicated', value: 'web', effect: 'NoExecute' }] },
      status: {
        capacity: { cpu: '2', memory: '4026532Ki', pods: '110', 'ephemeral-storage': '41152736Ki' },
        allocatable: { cpu: '1900m', memory: '3924132Ki', pods: '110' },
        phase: 'Running',
        conditions: [
          { type: 'Ready', status: 'True', lastHeartbeatTime: T2, lastTransitionTime: T1, reason: 'KubeletReady', message: 'kubelet is posting ready status' },
          { type: 'MemoryPressure', status: 'False', lastHeartbeatTime: null, lastTransitionTime: null },
        ],
        addresses: [{ type: 'InternalIP', address: '192.168.1.10' }, { type: 'Hostname', address: 'node-1' }],
        daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
        nodeInfo: { machineID: 'm', systemUUID: 's', bootID: 'b', kernelVersion: '6.1.0', osImage: 'Debian GNU/Linux 12', containerRuntimeVersion: 'containerd://1.6.20', kubeletVersion: 'v1.32.0', kubeProxyVersion: '', operatingSystem: 'linux', architecture: 'amd64' },
        images: [{ names: ['localhost/busybox:1.35', 'localhost/busybox@sha256:abc'], sizeBytes: 1234567 }],
        volumesInUse: ['kubernetes.io/csi/x'],
        volumesAttached: [{ name: 'kubernetes.io/csi/x', devicePath: '/dev/sdb' }],
        config: { active: { configMap: { namespace: 'kube-system', name: 'kubelet', uid: 'u', resourceVersion: '1', kubeletConfigKey: 'kubelet' } } },
        runtimeHandlers: [{ name: 'runc', features: { recursiveReadOnlyMounts: true } }],
      },
    },
  },
  {
    name: 'Endpoints',
    obj: {
      kind: 'Endpoints',
      apiVersion: 'v1',
      metadata: meta('web'),
      subsets: [
        {
          addresses: [{ ip: '10.244.1.5', hostname: 'web-0', nodeName: 'node-1', targetRef: { kind: 'Pod', namespace: 'default', name: 'web-0', uid: 'u-6' } }],
          notReadyAddresses: [{ ip: '10.244.2.7' }],
          ports: [{ name: 'http', port: 8080, protocol: 'TCP', appProtocol: 'http' }, { port: 53, protocol: 'UDP' }],
        },
      ],
    },
  },
  {
    name: 'EndpointSlice',
    obj: {
      kind: 'EndpointSlice',
      apiVersion: 'discovery.k8s.io/v1',
      metadata: meta('web-abc12', { labels: { 'kubernetes.io/service-name': 'web' } }),
      addressType: 'IPv4',
      endpoints: [
        { addresses: ['10.244.1.5'], conditions: { ready: true, serving: true, terminating: false }, hostname: 'web-0', targetRef: { kind: 'Pod', namespace: 'default', name: 'web-0', uid: 'u-6' }, nodeName: 'node-1', zone: 'z1', hints: { forZones: [{ name: 'z1' }] } },
        { addresses: ['10.244.2.7'], conditions: {} },
      ],
      ports: [{ name: 'http', protocol: 'TCP', port: 8080, appProtocol: 'http' }, { name: '', port: 0 }],
    },
  },
  {
    name: 'EndpointSlice without endpoints or ports',
    obj: { kind: 'EndpointSlice', apiVersion: 'discovery.k8s.io/v1', metadata: { name: 'empty', creationTimestamp: null }, addressType: 'FQDN', endpoints: null, ports: null },
  },
  {
    name: 'core Event',
    obj: {
      kind: 'Event',
      apiVersion: 'v1',
      metadata: { name: 'web-0.17a', namespace: 'default', uid: 'u-7', resourceVersion: '5', creationTimestamp: T1 },
      involvedObject: { kind: 'Pod', namespace: 'default', name: 'web-0', uid: 'u-6', apiVersion: 'v1', resourceVersion: '4', fieldPath: 'spec.containers{app}' },
      reason: 'Pulled',
      message: 'Container image "localhost/busybox:1.35" already present on machine',
      source: { component: 'kubelet', host: 'node-1' },
      firstTimestamp: T1,
      lastTimestamp: T2,
      count: 3,
      type: 'Normal',
      eventTime: null,
      reportingComponent: 'kubelet',
      reportingInstance: '',
    },
  },
  {
    name: 'core Event with series (MicroTime)',
    obj: {
      kind: 'Event',
      apiVersion: 'v1',
      metadata: { name: 'e2', namespace: 'default', creationTimestamp: null },
      involvedObject: {},
      source: {},
      firstTimestamp: null,
      lastTimestamp: null,
      eventTime: '2024-05-01T10:00:00.123456Z',
      series: { count: 2, lastObservedTime: '2024-05-01T10:00:05.000001Z' },
      action: 'Binding',
      related: { kind: 'Node', name: 'node-1' },
      reportingComponent: 'default-scheduler',
      reportingInstance: 'default-scheduler-node-1',
    },
  },
  {
    name: 'events.k8s.io Event',
    obj: {
      kind: 'Event',
      apiVersion: 'events.k8s.io/v1',
      metadata: { name: 'e3', namespace: 'default', creationTimestamp: T1 },
      eventTime: '2024-05-01T10:00:00.000000Z',
      series: { count: 5, lastObservedTime: '2024-05-01T10:01:00.500000Z' },
      reportingController: 'k8ts.io/scheduler',
      reportingInstance: 'sched-1',
      action: 'Scheduling',
      reason: 'FailedScheduling',
      regarding: { kind: 'Pod', namespace: 'default', name: 'web-1' },
      note: '0/1 nodes are available',
      type: 'Warning',
      deprecatedSource: {},
      deprecatedFirstTimestamp: null,
      deprecatedLastTimestamp: null,
    },
  },
  {
    name: 'LimitRange',
    obj: {
      kind: 'LimitRange',
      apiVersion: 'v1',
      metadata: meta('limits'),
      spec: {
        limits: [
          { type: 'Container', max: { cpu: '2', memory: '1Gi' }, min: { cpu: '10m' }, default: { cpu: '500m', memory: '256Mi' }, defaultRequest: { cpu: '100m' }, maxLimitRequestRatio: { cpu: '10' } },
          { type: 'PersistentVolumeClaim', max: { storage: '50Gi' } },
        ],
      },
    },
  },
  {
    name: 'ResourceQuota',
    obj: {
      kind: 'ResourceQuota',
      apiVersion: 'v1',
      metadata: meta('quota'),
      spec: { hard: { pods: '10', 'requests.cpu': '4', 'limits.memory': '8Gi', 'count/services': '5' }, scopes: ['NotBestEffort'], scopeSelector: { matchExpressions: [{ scopeName: 'PriorityClass', operator: 'In', values: ['high'] }] } },
      status: { hard: { pods: '10' }, used: { pods: '3', 'requests.cpu': '750m' } },
    },
  },
  {
    name: 'PersistentVolume',
    obj: {
      kind: 'PersistentVolume',
      apiVersion: 'v1',
      metadata: { name: 'pv-1', creationTimestamp: T1, finalizers: ['kubernetes.io/pv-protection'] },
      spec: {
        capacity: { storage: '10Gi' },
        local: { path: '/mnt/disks/ssd1', fsType: 'ext4' },
        accessModes: ['ReadWriteOnce'],
        claimRef: { kind: 'PersistentVolumeClaim', namespace: 'default', name: 'data', uid: 'u-8', apiVersion: 'v1', resourceVersion: '10' },
        persistentVolumeReclaimPolicy: 'Delete',
        storageClassName: 'local-path',
        mountOptions: ['noatime'],
        volumeMode: 'Filesystem',
        nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['node-1'] }] }] } },
      },
      status: { phase: 'Bound', lastPhaseTransitionTime: T2 },
    },
  },
  {
    name: 'PersistentVolume (nfs, hostPath)',
    obj: {
      kind: 'PersistentVolume',
      apiVersion: 'v1',
      metadata: { name: 'pv-nfs', creationTimestamp: null },
      spec: { capacity: { storage: '1Ti' }, nfs: { server: '10.0.0.5', path: '/exports/a' }, hostPath: { path: '/tmp/x', type: '' }, accessModes: ['ReadWriteMany', 'ReadOnlyMany'] },
      status: {},
    },
  },
  {
    name: 'PersistentVolumeClaim',
    obj: {
      kind: 'PersistentVolumeClaim',
      apiVersion: 'v1',
      metadata: meta('data', { annotations: { 'pv.kubernetes.io/bind-completed': 'yes' } }),
      spec: { accessModes: ['ReadWriteOnce'], selector: { matchLabels: { tier: 'fast' } }, resources: { limits: { storage: '20Gi' }, requests: { storage: '10Gi' } }, volumeName: 'pv-1', storageClassName: '', volumeMode: 'Block', dataSource: { apiGroup: 'snapshot.storage.k8s.io', kind: 'VolumeSnapshot', name: 'snap' } },
      status: { phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: '10Gi' }, conditions: [{ type: 'Resizing', status: 'True', lastProbeTime: null, lastTransitionTime: T1 }] },
    },
  },
  {
    name: 'PodTemplate',
    obj: { kind: 'PodTemplate', apiVersion: 'v1', metadata: meta('tpl'), template: template() },
  },
  {
    name: 'ControllerRevision with raw data',
    obj: {
      kind: 'ControllerRevision',
      apiVersion: 'apps/v1',
      metadata: meta('db-7f9'),
      data: { spec: { template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'db', image: 'x' }] } } }, $patch: 'replace' },
      revision: 2,
    },
  },
  {
    name: 'Lease (MicroTime)',
    obj: {
      kind: 'Lease',
      apiVersion: 'coordination.k8s.io/v1',
      metadata: { name: 'kube-scheduler', namespace: 'kube-system', resourceVersion: '77', creationTimestamp: T1 },
      spec: { holderIdentity: 'server-1_abc', leaseDurationSeconds: 15, acquireTime: '2024-05-01T10:00:00.000000Z', renewTime: '2024-05-01T10:05:30.654321Z', leaseTransitions: 0 },
    },
  },
  {
    name: 'Lease with nothing set',
    obj: { kind: 'Lease', apiVersion: 'coordination.k8s.io/v1', metadata: { name: 'node-1', namespace: 'kube-node-lease', creationTimestamp: null }, spec: {} },
  },
  {
    name: 'Role',
    obj: {
      kind: 'Role',
      apiVersion: 'rbac.authorization.k8s.io/v1',
      metadata: meta('reader'),
      rules: [
        { verbs: ['get', 'list', 'watch'], apiGroups: ['', 'apps'], resources: ['pods', 'deployments', 'pods/log'] },
        { verbs: ['update'], apiGroups: ['coordination.k8s.io'], resources: ['leases'], resourceNames: ['kube-scheduler'] },
      ],
    },
  },
  {
    name: 'ClusterRole with aggregationRule',
    obj: {
      kind: 'ClusterRole',
      apiVersion: 'rbac.authorization.k8s.io/v1',
      metadata: { name: 'monitoring', creationTimestamp: null },
      rules: [{ verbs: ['get'], nonResourceURLs: ['/metrics', '/healthz/*'] }],
      aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'rbac.example.com/aggregate-to-monitoring': 'true' } }] },
    },
  },
  {
    name: 'RoleBinding',
    oracle: ['set', 'subject', '--group=oracle-check'],
    obj: {
      kind: 'RoleBinding',
      apiVersion: 'rbac.authorization.k8s.io/v1',
      metadata: meta('reader-binding'),
      subjects: [
        { kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'alice' },
        { kind: 'ServiceAccount', name: 'web', namespace: 'default' },
        { kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'system:authenticated' },
      ],
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'reader' },
    },
  },
  {
    name: 'ClusterRoleBinding',
    oracle: ['set', 'subject', '--group=oracle-check'],
    obj: {
      kind: 'ClusterRoleBinding',
      apiVersion: 'rbac.authorization.k8s.io/v1',
      metadata: { name: 'admins', creationTimestamp: null },
      subjects: [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'bob' }],
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
    },
  },
  {
    name: 'PriorityClass',
    obj: { kind: 'PriorityClass', apiVersion: 'scheduling.k8s.io/v1', metadata: { name: 'low', creationTimestamp: null }, value: -10, globalDefault: true, description: 'negative values take 10 bytes on the wire', preemptionPolicy: 'Never' },
  },
  {
    name: 'Scale',
    obj: { kind: 'Scale', apiVersion: 'autoscaling/v1', metadata: { name: 'web', namespace: 'default', resourceVersion: '9', creationTimestamp: T1 }, spec: { replicas: 5 }, status: { replicas: 3, selector: 'app=web' } },
  },
  {
    name: 'Eviction with DeleteOptions',
    obj: { kind: 'Eviction', apiVersion: 'policy/v1', metadata: { name: 'web-0', namespace: 'default', creationTimestamp: null }, deleteOptions: { gracePeriodSeconds: 0, preconditions: { uid: 'u-6', resourceVersion: '4' }, propagationPolicy: 'Background', dryRun: ['All'] } },
  },
  {
    name: 'Binding',
    obj: { kind: 'Binding', apiVersion: 'v1', metadata: { name: 'web-0', namespace: 'default', creationTimestamp: null }, target: { kind: 'Node', name: 'node-1', apiVersion: 'v1' } },
  },
  {
    name: 'DeleteOptions',
    obj: { kind: 'DeleteOptions', apiVersion: 'apps/v1', gracePeriodSeconds: 30, orphanDependents: false, propagationPolicy: 'Foreground' },
  },
  {
    name: 'Status',
    obj: {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: { resourceVersion: '5', continue: 'abc', remainingItemCount: 0 },
      status: 'Failure',
      message: 'Pod "x" is invalid',
      reason: 'Invalid',
      details: { name: 'x', kind: 'Pod', causes: [{ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.containers' }], retryAfterSeconds: 1 },
      code: 422,
    },
  },
  {
    name: 'ConfigMapList',
    obj: {
      kind: 'ConfigMapList',
      apiVersion: 'v1',
      metadata: { resourceVersion: '100' },
      items: [
        { metadata: { name: 'a', namespace: 'default', creationTimestamp: T1 }, data: { k: 'v' } },
        { metadata: { name: 'b', namespace: 'default', creationTimestamp: T2 } },
      ],
    },
  },
  {
    name: 'HorizontalPodAutoscaler',
    obj: {
      kind: 'HorizontalPodAutoscaler',
      apiVersion: 'autoscaling/v1',
      metadata: meta('web'),
      spec: { scaleTargetRef: { kind: 'Deployment', name: 'web', apiVersion: 'apps/v1' }, minReplicas: 1, maxReplicas: 10, targetCPUUtilizationPercentage: 80 },
      status: { observedGeneration: 1, lastScaleTime: T2, currentReplicas: 2, desiredReplicas: 3, currentCPUUtilizationPercentage: 95 },
    },
  },
  {
    name: 'TokenRequest',
    obj: {
      kind: 'TokenRequest',
      apiVersion: 'authentication.k8s.io/v1',
      metadata: { name: 'web', namespace: 'default', creationTimestamp: null },
      spec: { audiences: ['https://kubernetes.default.svc'], expirationSeconds: 3600, boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'web-0', uid: 'u-6' } },
      status: { token: 'eyJ...', expirationTimestamp: T2 },
    },
  },
  {
    name: 'SubjectAccessReview (map of ExtraValue)',
    obj: {
      kind: 'SubjectAccessReview',
      apiVersion: 'authorization.k8s.io/v1',
      metadata: { creationTimestamp: null },
      spec: { resourceAttributes: { namespace: 'default', verb: 'get', resource: 'pods' }, user: 'alice', groups: ['devs'], extra: { scopes: ['a', 'b'], none: null }, uid: 'u-9' },
      status: { allowed: true, reason: 'RBAC: allowed' },
    },
  },
];
