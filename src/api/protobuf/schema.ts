// Protobuf layout of the Kubernetes kinds k8ts decodes and encodes: our compact notation of the
// k8s.io/api and k8s.io/apimachinery message types (field numbers as released in v1.36, a superset of v1.32).

/**
 * One string per field, in Go struct order (which is the JSON order): `"<json> <number> <type><flags>"`.
 *   type   `string | int32 | int64 | bool | bytes | double` or a message `<pkg>.<Name>`;
 *          prefix `[]` = repeated, `{}` = map<string, type> (wire: repeated entry {key = 1, value = 2}).
 *   flags  `?` Go pointer: on the wire only when set; when unset JSON has null, or nothing with `~`.
 *          `~` omitempty in Go JSON: zero scalars and empty lists/maps are left out (never structs).
 *          `^` embedded struct: its fields are inlined into the parent JSON object.
 *   A scalar or struct without `?` is always on the wire (proto2, non-pointer Go field) and always in
 *   JSON unless `~` and zero.
 * Messages with a JSON form of their own (times, quantities, …) are in SPECIAL_TYPES, not here.
 */
export const MESSAGES: Record<string, readonly string[]> = {
  // meta
  'meta.Condition': [
    'type 1 string', 'status 2 string', 'observedGeneration 3 int64~', 'lastTransitionTime 4 meta.Time', 'reason 5 string',
    'message 6 string',
  ],
  'meta.CreateOptions': ['dryRun 1 []string~', 'fieldManager 3 string~', 'fieldValidation 4 string~'],
  'meta.DeleteOptions': [
    'gracePeriodSeconds 1 int64?~', 'preconditions 2 meta.Preconditions?~', 'orphanDependents 3 bool?~',
    'propagationPolicy 4 string?~', 'dryRun 5 []string~', 'ignoreStoreReadErrorWithClusterBreakingPotential 6 bool?~',
  ],
  'meta.FieldSelectorRequirement': ['key 1 string', 'operator 2 string', 'values 3 []string~'],
  'meta.GetOptions': ['resourceVersion 1 string~'],
  'meta.LabelSelector': ['matchLabels 1 {}string~', 'matchExpressions 2 []meta.LabelSelectorRequirement~'],
  'meta.LabelSelectorRequirement': ['key 1 string', 'operator 2 string', 'values 3 []string~'],
  'meta.ListMeta': [
    'selfLink 1 string~', 'resourceVersion 2 string~', 'continue 3 string~', 'remainingItemCount 4 int64?~',
    'shardInfo 5 meta.ShardInfo?~',
  ],
  'meta.ListOptions': [
    'labelSelector 1 string~', 'fieldSelector 2 string~', 'watch 3 bool~', 'allowWatchBookmarks 9 bool~',
    'resourceVersion 4 string~', 'resourceVersionMatch 10 string~', 'timeoutSeconds 5 int64?~', 'limit 7 int64~',
    'continue 8 string~', 'sendInitialEvents 11 bool?~', 'shardSelector 15 string~',
  ],
  'meta.ManagedFieldsEntry': [
    'manager 1 string~', 'operation 2 string~', 'apiVersion 3 string~', 'time 4 meta.Time?~', 'fieldsType 6 string~',
    'fieldsV1 7 meta.FieldsV1?~', 'subresource 8 string~',
  ],
  'meta.ObjectMeta': [
    'name 1 string~', 'generateName 2 string~', 'namespace 3 string~', 'selfLink 4 string~', 'uid 5 string~',
    'resourceVersion 6 string~', 'generation 7 int64~', 'creationTimestamp 8 meta.Time~', 'deletionTimestamp 9 meta.Time?~',
    'deletionGracePeriodSeconds 10 int64?~', 'labels 11 {}string~', 'annotations 12 {}string~',
    'ownerReferences 13 []meta.OwnerReference~', 'finalizers 14 []string~', 'managedFields 17 []meta.ManagedFieldsEntry~',
  ],
  'meta.OwnerReference': [
    'apiVersion 5 string', 'kind 1 string', 'name 3 string', 'uid 4 string', 'controller 6 bool?~',
    'blockOwnerDeletion 7 bool?~',
  ],
  'meta.PartialObjectMetadata': ['metadata 1 meta.ObjectMeta~'],
  'meta.PartialObjectMetadataList': ['metadata 1 meta.ListMeta~', 'items 2 []meta.PartialObjectMetadata'],
  'meta.PatchOptions': ['dryRun 1 []string~', 'force 2 bool?~', 'fieldManager 3 string~', 'fieldValidation 4 string~'],
  'meta.Preconditions': ['uid 1 string?~', 'resourceVersion 2 string?~'],
  'meta.ShardInfo': ['selector 1 string'],
  'meta.Status': [
    'metadata 1 meta.ListMeta~', 'status 2 string~', 'message 3 string~', 'reason 4 string~', 'details 5 meta.StatusDetails?~',
    'code 6 int32~',
  ],
  'meta.StatusCause': ['reason 1 string~', 'message 2 string~', 'field 3 string~'],
  'meta.StatusDetails': [
    'name 1 string~', 'group 2 string~', 'kind 3 string~', 'uid 6 string~', 'causes 4 []meta.StatusCause~',
    'retryAfterSeconds 5 int32~',
  ],
  'meta.UpdateOptions': ['dryRun 1 []string~', 'fieldManager 2 string~', 'fieldValidation 3 string~'],
  'meta.WatchEvent': ['type 1 string', 'object 2 runtime.RawExtension'],

  // core
  'core.AWSElasticBlockStoreVolumeSource': ['volumeID 1 string', 'fsType 2 string~', 'partition 3 int32~', 'readOnly 4 bool~'],
  'core.Affinity': [
    'nodeAffinity 1 core.NodeAffinity?~', 'podAffinity 2 core.PodAffinity?~', 'podAntiAffinity 3 core.PodAntiAffinity?~',
  ],
  'core.AppArmorProfile': ['type 1 string', 'localhostProfile 2 string?~'],
  'core.AttachedVolume': ['name 1 string', 'devicePath 2 string'],
  'core.AzureDiskVolumeSource': [
    'diskName 1 string', 'diskURI 2 string', 'cachingMode 3 string?~', 'fsType 4 string?~', 'readOnly 5 bool?~',
    'kind 6 string?~',
  ],
  'core.AzureFilePersistentVolumeSource': [
    'secretName 1 string', 'shareName 2 string', 'readOnly 3 bool~', 'secretNamespace 4 string?',
  ],
  'core.AzureFileVolumeSource': ['secretName 1 string', 'shareName 2 string', 'readOnly 3 bool~'],
  'core.Binding': ['metadata 1 meta.ObjectMeta~', 'target 2 core.ObjectReference'],
  'core.CSIPersistentVolumeSource': [
    'driver 1 string', 'volumeHandle 2 string', 'readOnly 3 bool~', 'fsType 4 string~', 'volumeAttributes 5 {}string~',
    'controllerPublishSecretRef 6 core.SecretReference?~', 'nodeStageSecretRef 7 core.SecretReference?~',
    'nodePublishSecretRef 8 core.SecretReference?~', 'controllerExpandSecretRef 9 core.SecretReference?~',
    'nodeExpandSecretRef 10 core.SecretReference?~',
  ],
  'core.CSIVolumeSource': [
    'driver 1 string', 'readOnly 2 bool?~', 'fsType 3 string?~', 'volumeAttributes 4 {}string~',
    'nodePublishSecretRef 5 core.LocalObjectReference?~',
  ],
  'core.Capabilities': ['add 1 []string~', 'drop 2 []string~'],
  'core.CephFSPersistentVolumeSource': [
    'monitors 1 []string', 'path 2 string~', 'user 3 string~', 'secretFile 4 string~', 'secretRef 5 core.SecretReference?~',
    'readOnly 6 bool~',
  ],
  'core.CephFSVolumeSource': [
    'monitors 1 []string', 'path 2 string~', 'user 3 string~', 'secretFile 4 string~', 'secretRef 5 core.LocalObjectReference?~',
    'readOnly 6 bool~',
  ],
  'core.CinderPersistentVolumeSource': [
    'volumeID 1 string', 'fsType 2 string~', 'readOnly 3 bool~', 'secretRef 4 core.SecretReference?~',
  ],
  'core.CinderVolumeSource': [
    'volumeID 1 string', 'fsType 2 string~', 'readOnly 3 bool~', 'secretRef 4 core.LocalObjectReference?~',
  ],
  'core.ClientIPConfig': ['timeoutSeconds 1 int32?~'],
  'core.ClusterTrustBundleProjection': [
    'name 1 string?~', 'signerName 2 string?~', 'labelSelector 3 meta.LabelSelector?~', 'optional 5 bool?~', 'path 4 string',
  ],
  'core.ComponentCondition': ['type 1 string', 'status 2 string', 'message 3 string~', 'error 4 string~'],
  'core.ComponentStatus': ['metadata 1 meta.ObjectMeta~', 'conditions 2 []core.ComponentCondition~'],
  'core.ComponentStatusList': ['metadata 1 meta.ListMeta~', 'items 2 []core.ComponentStatus'],
  'core.ConfigMap': ['metadata 1 meta.ObjectMeta~', 'immutable 4 bool?~', 'data 2 {}string~', 'binaryData 3 {}bytes~'],
  'core.ConfigMapEnvSource': ['localObjectReference 1 core.LocalObjectReference^', 'optional 2 bool?~'],
  'core.ConfigMapKeySelector': ['localObjectReference 1 core.LocalObjectReference^', 'key 2 string', 'optional 3 bool?~'],
  'core.ConfigMapList': ['metadata 1 meta.ListMeta~', 'items 2 []core.ConfigMap'],
  'core.ConfigMapNodeConfigSource': [
    'namespace 1 string', 'name 2 string', 'uid 3 string~', 'resourceVersion 4 string~', 'kubeletConfigKey 5 string',
  ],
  'core.ConfigMapProjection': [
    'localObjectReference 1 core.LocalObjectReference^', 'items 2 []core.KeyToPath~', 'optional 4 bool?~',
  ],
  'core.ConfigMapVolumeSource': [
    'localObjectReference 1 core.LocalObjectReference^', 'items 2 []core.KeyToPath~', 'defaultMode 3 int32?~',
    'optional 4 bool?~',
  ],
  'core.Container': [
    'name 1 string', 'image 2 string~', 'command 3 []string~', 'args 4 []string~', 'workingDir 5 string~',
    'ports 6 []core.ContainerPort~', 'envFrom 19 []core.EnvFromSource~', 'env 7 []core.EnvVar~',
    'resources 8 core.ResourceRequirements~', 'resizePolicy 23 []core.ContainerResizePolicy~', 'restartPolicy 24 string?~',
    'restartPolicyRules 25 []core.ContainerRestartRule~', 'volumeMounts 9 []core.VolumeMount~',
    'volumeDevices 21 []core.VolumeDevice~', 'livenessProbe 10 core.Probe?~', 'readinessProbe 11 core.Probe?~',
    'startupProbe 22 core.Probe?~', 'lifecycle 12 core.Lifecycle?~', 'terminationMessagePath 13 string~',
    'terminationMessagePolicy 20 string~', 'imagePullPolicy 14 string~', 'securityContext 15 core.SecurityContext?~',
    'stdin 16 bool~', 'stdinOnce 17 bool~', 'tty 18 bool~',
  ],
  'core.ContainerExtendedResourceRequest': ['containerName 1 string', 'resourceName 2 string', 'requestName 3 string'],
  'core.ContainerImage': ['names 1 []string', 'sizeBytes 2 int64~'],
  'core.ContainerPort': [
    'name 1 string~', 'hostPort 2 int32~', 'containerPort 3 int32', 'protocol 4 string~', 'hostIP 5 string~',
  ],
  'core.ContainerResizePolicy': ['resourceName 1 string', 'restartPolicy 2 string'],
  'core.ContainerRestartRule': ['action 1 string~', 'exitCodes 2 core.ContainerRestartRuleOnExitCodes?~'],
  'core.ContainerRestartRuleOnExitCodes': ['operator 1 string~', 'values 2 []int32~'],
  'core.ContainerState': [
    'waiting 1 core.ContainerStateWaiting?~', 'running 2 core.ContainerStateRunning?~',
    'terminated 3 core.ContainerStateTerminated?~',
  ],
  'core.ContainerStateRunning': ['startedAt 1 meta.Time~'],
  'core.ContainerStateTerminated': [
    'exitCode 1 int32', 'signal 2 int32~', 'reason 3 string~', 'message 4 string~', 'startedAt 5 meta.Time~',
    'finishedAt 6 meta.Time~', 'containerID 7 string~',
  ],
  'core.ContainerStateWaiting': ['reason 1 string~', 'message 2 string~'],
  'core.ContainerStatus': [
    'name 1 string', 'state 2 core.ContainerState~', 'lastState 3 core.ContainerState~', 'ready 4 bool', 'restartCount 5 int32',
    'image 6 string', 'imageID 7 string', 'containerID 8 string~', 'started 9 bool?~',
    'allocatedResources 10 {}resource.Quantity~', 'resources 11 core.ResourceRequirements?~',
    'volumeMounts 12 []core.VolumeMountStatus~', 'user 13 core.ContainerUser?~',
    'allocatedResourcesStatus 14 []core.ResourceStatus~', 'stopSignal 15 string?~',
  ],
  'core.ContainerUser': ['linux 1 core.LinuxContainerUser?~'],
  'core.DaemonEndpoint': ['Port 1 int32'],
  'core.DownwardAPIProjection': ['items 1 []core.DownwardAPIVolumeFile~'],
  'core.DownwardAPIVolumeFile': [
    'path 1 string', 'fieldRef 2 core.ObjectFieldSelector?~', 'resourceFieldRef 3 core.ResourceFieldSelector?~',
    'mode 4 int32?~',
  ],
  'core.DownwardAPIVolumeSource': ['items 1 []core.DownwardAPIVolumeFile~', 'defaultMode 2 int32?~'],
  'core.EmptyDirVolumeSource': ['medium 1 string~', 'sizeLimit 2 resource.Quantity?~'],
  'core.EndpointAddress': ['ip 1 string', 'hostname 3 string~', 'nodeName 4 string?~', 'targetRef 2 core.ObjectReference?~'],
  'core.EndpointPort': ['name 1 string~', 'port 2 int32', 'protocol 3 string~', 'appProtocol 4 string?~'],
  'core.EndpointSubset': [
    'addresses 1 []core.EndpointAddress~', 'notReadyAddresses 2 []core.EndpointAddress~', 'ports 3 []core.EndpointPort~',
  ],
  'core.Endpoints': ['metadata 1 meta.ObjectMeta~', 'subsets 2 []core.EndpointSubset~'],
  'core.EndpointsList': ['metadata 1 meta.ListMeta~', 'items 2 []core.Endpoints'],
  'core.EnvFromSource': ['prefix 1 string~', 'configMapRef 2 core.ConfigMapEnvSource?~', 'secretRef 3 core.SecretEnvSource?~'],
  'core.EnvVar': ['name 1 string', 'value 2 string~', 'valueFrom 3 core.EnvVarSource?~'],
  'core.EnvVarSource': [
    'fieldRef 1 core.ObjectFieldSelector?~', 'resourceFieldRef 2 core.ResourceFieldSelector?~',
    'configMapKeyRef 3 core.ConfigMapKeySelector?~', 'secretKeyRef 4 core.SecretKeySelector?~',
    'fileKeyRef 5 core.FileKeySelector?~',
  ],
  'core.EphemeralContainer': ['ephemeralContainerCommon 1 core.EphemeralContainerCommon^', 'targetContainerName 2 string~'],
  'core.EphemeralContainerCommon': [
    'name 1 string', 'image 2 string~', 'command 3 []string~', 'args 4 []string~', 'workingDir 5 string~',
    'ports 6 []core.ContainerPort~', 'envFrom 19 []core.EnvFromSource~', 'env 7 []core.EnvVar~',
    'resources 8 core.ResourceRequirements~', 'resizePolicy 23 []core.ContainerResizePolicy~', 'restartPolicy 24 string?~',
    'restartPolicyRules 25 []core.ContainerRestartRule~', 'volumeMounts 9 []core.VolumeMount~',
    'volumeDevices 21 []core.VolumeDevice~', 'livenessProbe 10 core.Probe?~', 'readinessProbe 11 core.Probe?~',
    'startupProbe 22 core.Probe?~', 'lifecycle 12 core.Lifecycle?~', 'terminationMessagePath 13 string~',
    'terminationMessagePolicy 20 string~', 'imagePullPolicy 14 string~', 'securityContext 15 core.SecurityContext?~',
    'stdin 16 bool~', 'stdinOnce 17 bool~', 'tty 18 bool~',
  ],
  'core.EphemeralVolumeSource': ['volumeClaimTemplate 1 core.PersistentVolumeClaimTemplate?~'],
  'core.Event': [
    'metadata 1 meta.ObjectMeta', 'involvedObject 2 core.ObjectReference', 'reason 3 string~', 'message 4 string~',
    'source 5 core.EventSource~', 'firstTimestamp 6 meta.Time~', 'lastTimestamp 7 meta.Time~', 'count 8 int32~',
    'type 9 string~', 'eventTime 10 meta.MicroTime~', 'series 11 core.EventSeries?~', 'action 12 string~',
    'related 13 core.ObjectReference?~', 'reportingComponent 14 string', 'reportingInstance 15 string',
  ],
  'core.EventList': ['metadata 1 meta.ListMeta~', 'items 2 []core.Event'],
  'core.EventSeries': ['count 1 int32~', 'lastObservedTime 2 meta.MicroTime~'],
  'core.EventSource': ['component 1 string~', 'host 2 string~'],
  'core.ExecAction': ['command 1 []string~'],
  'core.FCVolumeSource': ['targetWWNs 1 []string~', 'lun 2 int32?~', 'fsType 3 string~', 'readOnly 4 bool~', 'wwids 5 []string~'],
  'core.FileKeySelector': ['volumeName 1 string', 'path 2 string', 'key 3 string', 'optional 4 bool?~'],
  'core.FlexPersistentVolumeSource': [
    'driver 1 string', 'fsType 2 string~', 'secretRef 3 core.SecretReference?~', 'readOnly 4 bool~', 'options 5 {}string~',
  ],
  'core.FlexVolumeSource': [
    'driver 1 string', 'fsType 2 string~', 'secretRef 3 core.LocalObjectReference?~', 'readOnly 4 bool~', 'options 5 {}string~',
  ],
  'core.FlockerVolumeSource': ['datasetName 1 string~', 'datasetUUID 2 string~'],
  'core.GCEPersistentDiskVolumeSource': ['pdName 1 string', 'fsType 2 string~', 'partition 3 int32~', 'readOnly 4 bool~'],
  'core.GRPCAction': ['port 1 int32', 'service 2 string?'],
  'core.GitRepoVolumeSource': ['repository 1 string', 'revision 2 string~', 'directory 3 string~'],
  'core.GlusterfsPersistentVolumeSource': [
    'endpoints 1 string', 'path 2 string', 'readOnly 3 bool~', 'endpointsNamespace 4 string?~',
  ],
  'core.GlusterfsVolumeSource': ['endpoints 1 string', 'path 2 string', 'readOnly 3 bool~'],
  'core.HTTPGetAction': [
    'path 1 string~', 'port 2 intstr.IntOrString', 'host 3 string~', 'scheme 4 string~', 'httpHeaders 5 []core.HTTPHeader~',
  ],
  'core.HTTPHeader': ['name 1 string', 'value 2 string'],
  'core.HostAlias': ['ip 1 string', 'hostnames 2 []string~'],
  'core.HostIP': ['ip 1 string'],
  'core.HostPathVolumeSource': ['path 1 string', 'type 2 string?~'],
  'core.ISCSIPersistentVolumeSource': [
    'targetPortal 1 string', 'iqn 2 string', 'lun 3 int32', 'iscsiInterface 4 string~', 'fsType 5 string~', 'readOnly 6 bool~',
    'portals 7 []string~', 'chapAuthDiscovery 8 bool~', 'chapAuthSession 11 bool~', 'secretRef 10 core.SecretReference?~',
    'initiatorName 12 string?~',
  ],
  'core.ISCSIVolumeSource': [
    'targetPortal 1 string', 'iqn 2 string', 'lun 3 int32', 'iscsiInterface 4 string~', 'fsType 5 string~', 'readOnly 6 bool~',
    'portals 7 []string~', 'chapAuthDiscovery 8 bool~', 'chapAuthSession 11 bool~', 'secretRef 10 core.LocalObjectReference?~',
    'initiatorName 12 string?~',
  ],
  'core.ImageVolumeSource': ['reference 1 string~', 'pullPolicy 2 string~'],
  'core.ImageVolumeStatus': ['imageRef 1 string~'],
  'core.KeyToPath': ['key 1 string', 'path 2 string', 'mode 3 int32?~'],
  'core.Lifecycle': ['postStart 1 core.LifecycleHandler?~', 'preStop 2 core.LifecycleHandler?~', 'stopSignal 3 string?~'],
  'core.LifecycleHandler': [
    'exec 1 core.ExecAction?~', 'httpGet 2 core.HTTPGetAction?~', 'tcpSocket 3 core.TCPSocketAction?~',
    'sleep 4 core.SleepAction?~',
  ],
  'core.LimitRange': ['metadata 1 meta.ObjectMeta~', 'spec 2 core.LimitRangeSpec~'],
  'core.LimitRangeItem': [
    'type 1 string', 'max 2 {}resource.Quantity~', 'min 3 {}resource.Quantity~', 'default 4 {}resource.Quantity~',
    'defaultRequest 5 {}resource.Quantity~', 'maxLimitRequestRatio 6 {}resource.Quantity~',
  ],
  'core.LimitRangeList': ['metadata 1 meta.ListMeta~', 'items 2 []core.LimitRange'],
  'core.LimitRangeSpec': ['limits 1 []core.LimitRangeItem'],
  'core.LinuxContainerUser': ['uid 1 int64', 'gid 2 int64', 'supplementalGroups 3 []int64~'],
  'core.LoadBalancerIngress': ['ip 1 string~', 'hostname 2 string~', 'ipMode 3 string?~', 'ports 4 []core.PortStatus~'],
  'core.LoadBalancerStatus': ['ingress 1 []core.LoadBalancerIngress~'],
  'core.LocalObjectReference': ['name 1 string~'],
  'core.LocalVolumeSource': ['path 1 string', 'fsType 2 string?~'],
  'core.ModifyVolumeStatus': ['targetVolumeAttributesClassName 1 string~', 'status 2 string'],
  'core.NFSVolumeSource': ['server 1 string', 'path 2 string', 'readOnly 3 bool~'],
  'core.Namespace': ['metadata 1 meta.ObjectMeta~', 'spec 2 core.NamespaceSpec~', 'status 3 core.NamespaceStatus~'],
  'core.NamespaceCondition': [
    'type 1 string', 'status 2 string', 'lastTransitionTime 4 meta.Time~', 'reason 5 string~', 'message 6 string~',
  ],
  'core.NamespaceList': ['metadata 1 meta.ListMeta~', 'items 2 []core.Namespace'],
  'core.NamespaceSpec': ['finalizers 1 []string~'],
  'core.NamespaceStatus': ['phase 1 string~', 'conditions 2 []core.NamespaceCondition~'],
  'core.Node': ['metadata 1 meta.ObjectMeta~', 'spec 2 core.NodeSpec~', 'status 3 core.NodeStatus~'],
  'core.NodeAddress': ['type 1 string', 'address 2 string'],
  'core.NodeAffinity': [
    'requiredDuringSchedulingIgnoredDuringExecution 1 core.NodeSelector?~',
    'preferredDuringSchedulingIgnoredDuringExecution 2 []core.PreferredSchedulingTerm~',
  ],
  'core.NodeAllocatableResourceClaimStatus': [
    'resourceClaimName 1 string', 'containers 2 []string~', 'resources 3 {}resource.Quantity',
  ],
  'core.NodeCondition': [
    'type 1 string', 'status 2 string', 'lastHeartbeatTime 3 meta.Time~', 'lastTransitionTime 4 meta.Time~', 'reason 5 string~',
    'message 6 string~',
  ],
  'core.NodeConfigSource': ['configMap 2 core.ConfigMapNodeConfigSource?~'],
  'core.NodeConfigStatus': [
    'assigned 1 core.NodeConfigSource?~', 'active 2 core.NodeConfigSource?~', 'lastKnownGood 3 core.NodeConfigSource?~',
    'error 4 string~',
  ],
  'core.NodeDaemonEndpoints': ['kubeletEndpoint 1 core.DaemonEndpoint~'],
  'core.NodeFeatures': ['supplementalGroupsPolicy 1 bool?~'],
  'core.NodeList': ['metadata 1 meta.ListMeta~', 'items 2 []core.Node'],
  'core.NodeRuntimeHandler': ['name 1 string', 'features 2 core.NodeRuntimeHandlerFeatures?~'],
  'core.NodeRuntimeHandlerFeatures': ['recursiveReadOnlyMounts 1 bool?~', 'userNamespaces 2 bool?~'],
  'core.NodeSelector': ['nodeSelectorTerms 1 []core.NodeSelectorTerm'],
  'core.NodeSelectorRequirement': ['key 1 string', 'operator 2 string', 'values 3 []string~'],
  'core.NodeSelectorTerm': [
    'matchExpressions 1 []core.NodeSelectorRequirement~', 'matchFields 2 []core.NodeSelectorRequirement~',
  ],
  'core.NodeSpec': [
    'podCIDR 1 string~', 'podCIDRs 7 []string~', 'providerID 3 string~', 'unschedulable 4 bool~', 'taints 5 []core.Taint~',
    'configSource 6 core.NodeConfigSource?~', 'externalID 2 string~',
  ],
  'core.NodeStatus': [
    'capacity 1 {}resource.Quantity~', 'allocatable 2 {}resource.Quantity~', 'phase 3 string~',
    'conditions 4 []core.NodeCondition~', 'addresses 5 []core.NodeAddress~', 'daemonEndpoints 6 core.NodeDaemonEndpoints~',
    'nodeInfo 7 core.NodeSystemInfo~', 'images 8 []core.ContainerImage~', 'volumesInUse 9 []string~',
    'volumesAttached 10 []core.AttachedVolume~', 'config 11 core.NodeConfigStatus?~',
    'runtimeHandlers 12 []core.NodeRuntimeHandler~', 'features 13 core.NodeFeatures?~', 'declaredFeatures 14 []string~',
  ],
  'core.NodeSwapStatus': ['capacity 1 int64?~'],
  'core.NodeSystemInfo': [
    'machineID 1 string', 'systemUUID 2 string', 'bootID 3 string', 'kernelVersion 4 string', 'osImage 5 string',
    'containerRuntimeVersion 6 string', 'kubeletVersion 7 string', 'kubeProxyVersion 8 string', 'operatingSystem 9 string',
    'architecture 10 string', 'swap 11 core.NodeSwapStatus?~',
  ],
  'core.ObjectFieldSelector': ['apiVersion 1 string~', 'fieldPath 2 string'],
  'core.ObjectReference': [
    'kind 1 string~', 'namespace 2 string~', 'name 3 string~', 'uid 4 string~', 'apiVersion 5 string~',
    'resourceVersion 6 string~', 'fieldPath 7 string~',
  ],
  'core.PersistentVolume': [
    'metadata 1 meta.ObjectMeta~', 'spec 2 core.PersistentVolumeSpec~', 'status 3 core.PersistentVolumeStatus~',
  ],
  'core.PersistentVolumeClaim': [
    'metadata 1 meta.ObjectMeta~', 'spec 2 core.PersistentVolumeClaimSpec~', 'status 3 core.PersistentVolumeClaimStatus~',
  ],
  'core.PersistentVolumeClaimCondition': [
    'type 1 string', 'status 2 string', 'lastProbeTime 3 meta.Time~', 'lastTransitionTime 4 meta.Time~', 'reason 5 string~',
    'message 6 string~',
  ],
  'core.PersistentVolumeClaimList': ['metadata 1 meta.ListMeta~', 'items 2 []core.PersistentVolumeClaim'],
  'core.PersistentVolumeClaimSpec': [
    'accessModes 1 []string~', 'selector 4 meta.LabelSelector?~', 'resources 2 core.VolumeResourceRequirements~',
    'volumeName 3 string~', 'storageClassName 5 string?~', 'volumeMode 6 string?~',
    'dataSource 7 core.TypedLocalObjectReference?~', 'dataSourceRef 8 core.TypedObjectReference?~',
    'volumeAttributesClassName 9 string?~',
  ],
  'core.PersistentVolumeClaimStatus': [
    'phase 1 string~', 'accessModes 2 []string~', 'capacity 3 {}resource.Quantity~',
    'conditions 4 []core.PersistentVolumeClaimCondition~', 'allocatedResources 5 {}resource.Quantity~',
    'allocatedResourceStatuses 7 {}string~', 'currentVolumeAttributesClassName 8 string?~',
    'modifyVolumeStatus 9 core.ModifyVolumeStatus?~',
  ],
  'core.PersistentVolumeClaimTemplate': ['metadata 1 meta.ObjectMeta~', 'spec 2 core.PersistentVolumeClaimSpec'],
  'core.PersistentVolumeClaimVolumeSource': ['claimName 1 string', 'readOnly 2 bool~'],
  'core.PersistentVolumeList': ['metadata 1 meta.ListMeta~', 'items 2 []core.PersistentVolume'],
  'core.PersistentVolumeSource': [
    'gcePersistentDisk 1 core.GCEPersistentDiskVolumeSource?~', 'awsElasticBlockStore 2 core.AWSElasticBlockStoreVolumeSource?~',
    'hostPath 3 core.HostPathVolumeSource?~', 'glusterfs 4 core.GlusterfsPersistentVolumeSource?~',
    'nfs 5 core.NFSVolumeSource?~', 'rbd 6 core.RBDPersistentVolumeSource?~', 'iscsi 7 core.ISCSIPersistentVolumeSource?~',
    'cinder 8 core.CinderPersistentVolumeSource?~', 'cephfs 9 core.CephFSPersistentVolumeSource?~',
    'fc 10 core.FCVolumeSource?~', 'flocker 11 core.FlockerVolumeSource?~', 'flexVolume 12 core.FlexPersistentVolumeSource?~',
    'azureFile 13 core.AzureFilePersistentVolumeSource?~', 'vsphereVolume 14 core.VsphereVirtualDiskVolumeSource?~',
    'quobyte 15 core.QuobyteVolumeSource?~', 'azureDisk 16 core.AzureDiskVolumeSource?~',
    'photonPersistentDisk 17 core.PhotonPersistentDiskVolumeSource?~', 'portworxVolume 18 core.PortworxVolumeSource?~',
    'scaleIO 19 core.ScaleIOPersistentVolumeSource?~', 'local 20 core.LocalVolumeSource?~',
    'storageos 21 core.StorageOSPersistentVolumeSource?~', 'csi 22 core.CSIPersistentVolumeSource?~',
  ],
  'core.PersistentVolumeSpec': [
    'capacity 1 {}resource.Quantity~', 'persistentVolumeSource 2 core.PersistentVolumeSource^', 'accessModes 3 []string~',
    'claimRef 4 core.ObjectReference?~', 'persistentVolumeReclaimPolicy 5 string~', 'storageClassName 6 string~',
    'mountOptions 7 []string~', 'volumeMode 8 string?~', 'nodeAffinity 9 core.VolumeNodeAffinity?~',
    'volumeAttributesClassName 10 string?~',
  ],
  'core.PersistentVolumeStatus': [
    'phase 1 string~', 'message 2 string~', 'reason 3 string~', 'lastPhaseTransitionTime 4 meta.Time?~',
  ],
  'core.PhotonPersistentDiskVolumeSource': ['pdID 1 string', 'fsType 2 string~'],
  'core.Pod': ['metadata 1 meta.ObjectMeta~', 'spec 2 core.PodSpec~', 'status 3 core.PodStatus~'],
  'core.PodAffinity': [
    'requiredDuringSchedulingIgnoredDuringExecution 1 []core.PodAffinityTerm~',
    'preferredDuringSchedulingIgnoredDuringExecution 2 []core.WeightedPodAffinityTerm~',
  ],
  'core.PodAffinityTerm': [
    'labelSelector 1 meta.LabelSelector?~', 'namespaces 2 []string~', 'topologyKey 3 string',
    'namespaceSelector 4 meta.LabelSelector?~', 'matchLabelKeys 5 []string~', 'mismatchLabelKeys 6 []string~',
  ],
  'core.PodAntiAffinity': [
    'requiredDuringSchedulingIgnoredDuringExecution 1 []core.PodAffinityTerm~',
    'preferredDuringSchedulingIgnoredDuringExecution 2 []core.WeightedPodAffinityTerm~',
  ],
  'core.PodCertificateProjection': [
    'signerName 1 string~', 'keyType 2 string~', 'maxExpirationSeconds 3 int32?~', 'credentialBundlePath 4 string~',
    'keyPath 5 string~', 'certificateChainPath 6 string~', 'userAnnotations 7 {}string~',
  ],
  'core.PodCondition': [
    'type 1 string', 'observedGeneration 7 int64~', 'status 2 string', 'lastProbeTime 3 meta.Time~',
    'lastTransitionTime 4 meta.Time~', 'reason 5 string~', 'message 6 string~',
  ],
  'core.PodDNSConfig': ['nameservers 1 []string~', 'searches 2 []string~', 'options 3 []core.PodDNSConfigOption~'],
  'core.PodDNSConfigOption': ['name 1 string~', 'value 2 string?~'],
  'core.PodExtendedResourceClaimStatus': [
    'requestMappings 1 []core.ContainerExtendedResourceRequest', 'resourceClaimName 2 string',
  ],
  'core.PodIP': ['ip 1 string'],
  'core.PodList': ['metadata 1 meta.ListMeta~', 'items 2 []core.Pod'],
  'core.PodOS': ['name 1 string'],
  'core.PodReadinessGate': ['conditionType 1 string'],
  'core.PodResourceClaim': ['name 1 string', 'resourceClaimName 3 string?~', 'resourceClaimTemplateName 4 string?~'],
  'core.PodResourceClaimStatus': ['name 1 string', 'resourceClaimName 2 string?~'],
  'core.PodSchedulingGate': ['name 1 string'],
  'core.PodSchedulingGroup': ['podGroupName 1 string?~'],
  'core.PodSecurityContext': [
    'seLinuxOptions 1 core.SELinuxOptions?~', 'windowsOptions 8 core.WindowsSecurityContextOptions?~', 'runAsUser 2 int64?~',
    'runAsGroup 6 int64?~', 'runAsNonRoot 3 bool?~', 'supplementalGroups 4 []int64~', 'supplementalGroupsPolicy 12 string?~',
    'fsGroup 5 int64?~', 'sysctls 7 []core.Sysctl~', 'fsGroupChangePolicy 9 string?~', 'seccompProfile 10 core.SeccompProfile?~',
    'appArmorProfile 11 core.AppArmorProfile?~', 'seLinuxChangePolicy 13 string?~',
  ],
  'core.PodSpec': [
    'volumes 1 []core.Volume~', 'initContainers 20 []core.Container~', 'containers 2 []core.Container',
    'ephemeralContainers 34 []core.EphemeralContainer~', 'restartPolicy 3 string~', 'terminationGracePeriodSeconds 4 int64?~',
    'activeDeadlineSeconds 5 int64?~', 'dnsPolicy 6 string~', 'nodeSelector 7 {}string~', 'serviceAccountName 8 string~',
    'serviceAccount 9 string~', 'automountServiceAccountToken 21 bool?~', 'nodeName 10 string~', 'hostNetwork 11 bool~',
    'hostPID 12 bool~', 'hostIPC 13 bool~', 'shareProcessNamespace 27 bool?~', 'securityContext 14 core.PodSecurityContext?~',
    'imagePullSecrets 15 []core.LocalObjectReference~', 'hostname 16 string~', 'subdomain 17 string~',
    'affinity 18 core.Affinity?~', 'schedulerName 19 string~', 'tolerations 22 []core.Toleration~',
    'hostAliases 23 []core.HostAlias~', 'priorityClassName 24 string~', 'priority 25 int32?~',
    'dnsConfig 26 core.PodDNSConfig?~', 'readinessGates 28 []core.PodReadinessGate~', 'runtimeClassName 29 string?~',
    'enableServiceLinks 30 bool?~', 'preemptionPolicy 31 string?~', 'overhead 32 {}resource.Quantity~',
    'topologySpreadConstraints 33 []core.TopologySpreadConstraint~', 'setHostnameAsFQDN 35 bool?~', 'os 36 core.PodOS?~',
    'hostUsers 37 bool?~', 'schedulingGates 38 []core.PodSchedulingGate~', 'resourceClaims 39 []core.PodResourceClaim~',
    'resources 40 core.ResourceRequirements?~', 'hostnameOverride 41 string?~', 'schedulingGroup 43 core.PodSchedulingGroup?~',
  ],
  'core.PodStatus': [
    'observedGeneration 17 int64~', 'phase 1 string~', 'conditions 2 []core.PodCondition~', 'message 3 string~',
    'reason 4 string~', 'nominatedNodeName 11 string~', 'hostIP 5 string~', 'hostIPs 16 []core.HostIP~', 'podIP 6 string~',
    'podIPs 12 []core.PodIP~', 'startTime 7 meta.Time?~', 'initContainerStatuses 10 []core.ContainerStatus~',
    'containerStatuses 8 []core.ContainerStatus~', 'qosClass 9 string~', 'ephemeralContainerStatuses 13 []core.ContainerStatus~',
    'resize 14 string~', 'resourceClaimStatuses 15 []core.PodResourceClaimStatus~',
    'extendedResourceClaimStatus 18 core.PodExtendedResourceClaimStatus?~', 'allocatedResources 19 {}resource.Quantity~',
    'resources 20 core.ResourceRequirements?~',
    'nodeAllocatableResourceClaimStatuses 21 []core.NodeAllocatableResourceClaimStatus~',
  ],
  'core.PodStatusResult': ['metadata 1 meta.ObjectMeta~', 'status 2 core.PodStatus~'],
  'core.PodTemplate': ['metadata 1 meta.ObjectMeta~', 'template 2 core.PodTemplateSpec~'],
  'core.PodTemplateList': ['metadata 1 meta.ListMeta~', 'items 2 []core.PodTemplate'],
  'core.PodTemplateSpec': ['metadata 1 meta.ObjectMeta~', 'spec 2 core.PodSpec~'],
  'core.PortStatus': ['port 1 int32', 'protocol 2 string', 'error 3 string?~'],
  'core.PortworxVolumeSource': ['volumeID 1 string', 'fsType 2 string~', 'readOnly 3 bool~'],
  'core.PreferredSchedulingTerm': ['weight 1 int32', 'preference 2 core.NodeSelectorTerm'],
  'core.Probe': [
    'handler 1 core.ProbeHandler^', 'initialDelaySeconds 2 int32~', 'timeoutSeconds 3 int32~', 'periodSeconds 4 int32~',
    'successThreshold 5 int32~', 'failureThreshold 6 int32~', 'terminationGracePeriodSeconds 7 int64?~',
  ],
  'core.ProbeHandler': [
    'exec 1 core.ExecAction?~', 'httpGet 2 core.HTTPGetAction?~', 'tcpSocket 3 core.TCPSocketAction?~',
    'grpc 4 core.GRPCAction?~',
  ],
  'core.ProjectedVolumeSource': ['sources 1 []core.VolumeProjection', 'defaultMode 2 int32?~'],
  'core.QuobyteVolumeSource': [
    'registry 1 string', 'volume 2 string', 'readOnly 3 bool~', 'user 4 string~', 'group 5 string~', 'tenant 6 string~',
  ],
  'core.RBDPersistentVolumeSource': [
    'monitors 1 []string', 'image 2 string', 'fsType 3 string~', 'pool 4 string~', 'user 5 string~', 'keyring 6 string~',
    'secretRef 7 core.SecretReference?~', 'readOnly 8 bool~',
  ],
  'core.RBDVolumeSource': [
    'monitors 1 []string', 'image 2 string', 'fsType 3 string~', 'pool 4 string~', 'user 5 string~', 'keyring 6 string~',
    'secretRef 7 core.LocalObjectReference?~', 'readOnly 8 bool~',
  ],
  'core.RangeAllocation': ['metadata 1 meta.ObjectMeta~', 'range 2 string', 'data 3 bytes'],
  'core.ReplicationController': [
    'metadata 1 meta.ObjectMeta~', 'spec 2 core.ReplicationControllerSpec~', 'status 3 core.ReplicationControllerStatus~',
  ],
  'core.ReplicationControllerCondition': [
    'type 1 string', 'status 2 string', 'lastTransitionTime 3 meta.Time~', 'reason 4 string~', 'message 5 string~',
  ],
  'core.ReplicationControllerList': ['metadata 1 meta.ListMeta~', 'items 2 []core.ReplicationController'],
  'core.ReplicationControllerSpec': [
    'replicas 1 int32?~', 'minReadySeconds 4 int32~', 'selector 2 {}string~', 'template 3 core.PodTemplateSpec?~',
  ],
  'core.ReplicationControllerStatus': [
    'replicas 1 int32', 'fullyLabeledReplicas 2 int32~', 'readyReplicas 4 int32~', 'availableReplicas 5 int32~',
    'observedGeneration 3 int64~', 'conditions 6 []core.ReplicationControllerCondition~',
  ],
  'core.ResourceClaim': ['name 1 string', 'request 2 string~'],
  'core.ResourceFieldSelector': ['containerName 1 string~', 'resource 2 string', 'divisor 3 resource.Quantity~'],
  'core.ResourceHealth': ['resourceID 1 string', 'health 2 string~', 'message 6 string?~'],
  'core.ResourceQuota': ['metadata 1 meta.ObjectMeta~', 'spec 2 core.ResourceQuotaSpec~', 'status 3 core.ResourceQuotaStatus~'],
  'core.ResourceQuotaList': ['metadata 1 meta.ListMeta~', 'items 2 []core.ResourceQuota'],
  'core.ResourceQuotaSpec': ['hard 1 {}resource.Quantity~', 'scopes 2 []string~', 'scopeSelector 3 core.ScopeSelector?~'],
  'core.ResourceQuotaStatus': ['hard 1 {}resource.Quantity~', 'used 2 {}resource.Quantity~'],
  'core.ResourceRequirements': [
    'limits 1 {}resource.Quantity~', 'requests 2 {}resource.Quantity~', 'claims 3 []core.ResourceClaim~',
  ],
  'core.ResourceStatus': ['name 1 string', 'resources 2 []core.ResourceHealth~'],
  'core.SELinuxOptions': ['user 1 string~', 'role 2 string~', 'type 3 string~', 'level 4 string~'],
  'core.ScaleIOPersistentVolumeSource': [
    'gateway 1 string', 'system 2 string', 'secretRef 3 core.SecretReference?', 'sslEnabled 4 bool~',
    'protectionDomain 5 string~', 'storagePool 6 string~', 'storageMode 7 string~', 'volumeName 8 string~', 'fsType 9 string~',
    'readOnly 10 bool~',
  ],
  'core.ScaleIOVolumeSource': [
    'gateway 1 string', 'system 2 string', 'secretRef 3 core.LocalObjectReference?', 'sslEnabled 4 bool~',
    'protectionDomain 5 string~', 'storagePool 6 string~', 'storageMode 7 string~', 'volumeName 8 string~', 'fsType 9 string~',
    'readOnly 10 bool~',
  ],
  'core.ScopeSelector': ['matchExpressions 1 []core.ScopedResourceSelectorRequirement~'],
  'core.ScopedResourceSelectorRequirement': ['scopeName 1 string', 'operator 2 string', 'values 3 []string~'],
  'core.SeccompProfile': ['type 1 string', 'localhostProfile 2 string?~'],
  'core.Secret': [
    'metadata 1 meta.ObjectMeta~', 'immutable 5 bool?~', 'data 2 {}bytes~', 'stringData 4 {}string~', 'type 3 string~',
  ],
  'core.SecretEnvSource': ['localObjectReference 1 core.LocalObjectReference^', 'optional 2 bool?~'],
  'core.SecretKeySelector': ['localObjectReference 1 core.LocalObjectReference^', 'key 2 string', 'optional 3 bool?~'],
  'core.SecretList': ['metadata 1 meta.ListMeta~', 'items 2 []core.Secret'],
  'core.SecretProjection': [
    'localObjectReference 1 core.LocalObjectReference^', 'items 2 []core.KeyToPath~', 'optional 4 bool?~',
  ],
  'core.SecretReference': ['name 1 string~', 'namespace 2 string~'],
  'core.SecretVolumeSource': ['secretName 1 string~', 'items 2 []core.KeyToPath~', 'defaultMode 3 int32?~', 'optional 4 bool?~'],
  'core.SecurityContext': [
    'capabilities 1 core.Capabilities?~', 'privileged 2 bool?~', 'seLinuxOptions 3 core.SELinuxOptions?~',
    'windowsOptions 10 core.WindowsSecurityContextOptions?~', 'runAsUser 4 int64?~', 'runAsGroup 8 int64?~',
    'runAsNonRoot 5 bool?~', 'readOnlyRootFilesystem 6 bool?~', 'allowPrivilegeEscalation 7 bool?~', 'procMount 9 string?~',
    'seccompProfile 11 core.SeccompProfile?~', 'appArmorProfile 12 core.AppArmorProfile?~',
  ],
  'core.Service': ['metadata 1 meta.ObjectMeta~', 'spec 2 core.ServiceSpec~', 'status 3 core.ServiceStatus~'],
  'core.ServiceAccount': [
    'metadata 1 meta.ObjectMeta~', 'secrets 2 []core.ObjectReference~', 'imagePullSecrets 3 []core.LocalObjectReference~',
    'automountServiceAccountToken 4 bool?~',
  ],
  'core.ServiceAccountList': ['metadata 1 meta.ListMeta~', 'items 2 []core.ServiceAccount'],
  'core.ServiceAccountTokenProjection': ['audience 1 string~', 'expirationSeconds 2 int64?~', 'path 3 string'],
  'core.ServiceList': ['metadata 1 meta.ListMeta~', 'items 2 []core.Service'],
  'core.ServicePort': [
    'name 1 string~', 'protocol 2 string~', 'appProtocol 6 string?~', 'port 3 int32', 'targetPort 4 intstr.IntOrString~',
    'nodePort 5 int32~',
  ],
  'core.ServiceSpec': [
    'ports 1 []core.ServicePort~', 'selector 2 {}string~', 'clusterIP 3 string~', 'clusterIPs 18 []string~', 'type 4 string~',
    'externalIPs 5 []string~', 'sessionAffinity 7 string~', 'loadBalancerIP 8 string~', 'loadBalancerSourceRanges 9 []string~',
    'externalName 10 string~', 'externalTrafficPolicy 11 string~', 'healthCheckNodePort 12 int32~',
    'publishNotReadyAddresses 13 bool~', 'sessionAffinityConfig 14 core.SessionAffinityConfig?~', 'ipFamilies 19 []string~',
    'ipFamilyPolicy 17 string?~', 'allocateLoadBalancerNodePorts 20 bool?~', 'loadBalancerClass 21 string?~',
    'internalTrafficPolicy 22 string?~', 'trafficDistribution 23 string?~',
  ],
  'core.ServiceStatus': ['loadBalancer 1 core.LoadBalancerStatus~', 'conditions 2 []meta.Condition~'],
  'core.SessionAffinityConfig': ['clientIP 1 core.ClientIPConfig?~'],
  'core.SleepAction': ['seconds 1 int64'],
  'core.StorageOSPersistentVolumeSource': [
    'volumeName 1 string~', 'volumeNamespace 2 string~', 'fsType 3 string~', 'readOnly 4 bool~',
    'secretRef 5 core.ObjectReference?~',
  ],
  'core.StorageOSVolumeSource': [
    'volumeName 1 string~', 'volumeNamespace 2 string~', 'fsType 3 string~', 'readOnly 4 bool~',
    'secretRef 5 core.LocalObjectReference?~',
  ],
  'core.Sysctl': ['name 1 string', 'value 2 string'],
  'core.TCPSocketAction': ['port 1 intstr.IntOrString', 'host 2 string~'],
  'core.Taint': ['key 1 string', 'value 2 string~', 'effect 3 string', 'timeAdded 4 meta.Time?~'],
  'core.Toleration': [
    'key 1 string~', 'operator 2 string~', 'value 3 string~', 'effect 4 string~', 'tolerationSeconds 5 int64?~',
  ],
  'core.TopologySpreadConstraint': [
    'maxSkew 1 int32', 'topologyKey 2 string', 'whenUnsatisfiable 3 string', 'labelSelector 4 meta.LabelSelector?~',
    'minDomains 5 int32?~', 'nodeAffinityPolicy 6 string?~', 'nodeTaintsPolicy 7 string?~', 'matchLabelKeys 8 []string~',
  ],
  'core.TypedLocalObjectReference': ['apiGroup 1 string?', 'kind 2 string', 'name 3 string'],
  'core.TypedObjectReference': ['apiGroup 1 string?', 'kind 2 string', 'name 3 string', 'namespace 4 string?~'],
  'core.Volume': ['name 1 string', 'volumeSource 2 core.VolumeSource^'],
  'core.VolumeDevice': ['name 1 string', 'devicePath 2 string'],
  'core.VolumeMount': [
    'name 1 string', 'readOnly 2 bool~', 'recursiveReadOnly 7 string?~', 'mountPath 3 string', 'subPath 4 string~',
    'mountPropagation 5 string?~', 'subPathExpr 6 string~',
  ],
  'core.VolumeMountStatus': [
    'name 1 string', 'mountPath 2 string', 'readOnly 3 bool~', 'recursiveReadOnly 4 string?~',
    'volumeStatus 5 core.VolumeStatus?~',
  ],
  'core.VolumeNodeAffinity': ['required 1 core.NodeSelector?~'],
  'core.VolumeProjection': [
    'secret 1 core.SecretProjection?~', 'downwardAPI 2 core.DownwardAPIProjection?~', 'configMap 3 core.ConfigMapProjection?~',
    'serviceAccountToken 4 core.ServiceAccountTokenProjection?~', 'clusterTrustBundle 5 core.ClusterTrustBundleProjection?~',
    'podCertificate 6 core.PodCertificateProjection?~',
  ],
  'core.VolumeResourceRequirements': ['limits 1 {}resource.Quantity~', 'requests 2 {}resource.Quantity~'],
  'core.VolumeSource': [
    'hostPath 1 core.HostPathVolumeSource?~', 'emptyDir 2 core.EmptyDirVolumeSource?~',
    'gcePersistentDisk 3 core.GCEPersistentDiskVolumeSource?~', 'awsElasticBlockStore 4 core.AWSElasticBlockStoreVolumeSource?~',
    'gitRepo 5 core.GitRepoVolumeSource?~', 'secret 6 core.SecretVolumeSource?~', 'nfs 7 core.NFSVolumeSource?~',
    'iscsi 8 core.ISCSIVolumeSource?~', 'glusterfs 9 core.GlusterfsVolumeSource?~',
    'persistentVolumeClaim 10 core.PersistentVolumeClaimVolumeSource?~', 'rbd 11 core.RBDVolumeSource?~',
    'flexVolume 12 core.FlexVolumeSource?~', 'cinder 13 core.CinderVolumeSource?~', 'cephfs 14 core.CephFSVolumeSource?~',
    'flocker 15 core.FlockerVolumeSource?~', 'downwardAPI 16 core.DownwardAPIVolumeSource?~', 'fc 17 core.FCVolumeSource?~',
    'azureFile 18 core.AzureFileVolumeSource?~', 'configMap 19 core.ConfigMapVolumeSource?~',
    'vsphereVolume 20 core.VsphereVirtualDiskVolumeSource?~', 'quobyte 21 core.QuobyteVolumeSource?~',
    'azureDisk 22 core.AzureDiskVolumeSource?~', 'photonPersistentDisk 23 core.PhotonPersistentDiskVolumeSource?~',
    'projected 26 core.ProjectedVolumeSource?~', 'portworxVolume 24 core.PortworxVolumeSource?~',
    'scaleIO 25 core.ScaleIOVolumeSource?~', 'storageos 27 core.StorageOSVolumeSource?~', 'csi 28 core.CSIVolumeSource?~',
    'ephemeral 29 core.EphemeralVolumeSource?~', 'image 30 core.ImageVolumeSource?~',
  ],
  'core.VolumeStatus': ['image 1 core.ImageVolumeStatus?~'],
  'core.VsphereVirtualDiskVolumeSource': [
    'volumePath 1 string', 'fsType 2 string~', 'storagePolicyName 3 string~', 'storagePolicyID 4 string~',
  ],
  'core.WeightedPodAffinityTerm': ['weight 1 int32', 'podAffinityTerm 2 core.PodAffinityTerm'],
  'core.WindowsSecurityContextOptions': [
    'gmsaCredentialSpecName 1 string?~', 'gmsaCredentialSpec 2 string?~', 'runAsUserName 3 string?~', 'hostProcess 4 bool?~',
  ],

  // apps
  'apps.ControllerRevision': ['metadata 1 meta.ObjectMeta~', 'data 2 runtime.RawExtension~', 'revision 3 int64'],
  'apps.ControllerRevisionList': ['metadata 1 meta.ListMeta~', 'items 2 []apps.ControllerRevision'],
  'apps.DaemonSet': ['metadata 1 meta.ObjectMeta~', 'spec 2 apps.DaemonSetSpec~', 'status 3 apps.DaemonSetStatus~'],
  'apps.DaemonSetCondition': [
    'type 1 string', 'status 2 string', 'lastTransitionTime 3 meta.Time~', 'reason 4 string~', 'message 5 string~',
  ],
  'apps.DaemonSetList': ['metadata 1 meta.ListMeta~', 'items 2 []apps.DaemonSet'],
  'apps.DaemonSetSpec': [
    'selector 1 meta.LabelSelector?', 'template 2 core.PodTemplateSpec', 'updateStrategy 3 apps.DaemonSetUpdateStrategy~',
    'minReadySeconds 4 int32~', 'revisionHistoryLimit 6 int32?~',
  ],
  'apps.DaemonSetStatus': [
    'currentNumberScheduled 1 int32', 'numberMisscheduled 2 int32', 'desiredNumberScheduled 3 int32', 'numberReady 4 int32',
    'observedGeneration 5 int64~', 'updatedNumberScheduled 6 int32~', 'numberAvailable 7 int32~', 'numberUnavailable 8 int32~',
    'collisionCount 9 int32?~', 'conditions 10 []apps.DaemonSetCondition~',
  ],
  'apps.DaemonSetUpdateStrategy': ['type 1 string~', 'rollingUpdate 2 apps.RollingUpdateDaemonSet?~'],
  'apps.Deployment': ['metadata 1 meta.ObjectMeta~', 'spec 2 apps.DeploymentSpec~', 'status 3 apps.DeploymentStatus~'],
  'apps.DeploymentCondition': [
    'type 1 string', 'status 2 string', 'lastUpdateTime 6 meta.Time~', 'lastTransitionTime 7 meta.Time~', 'reason 4 string~',
    'message 5 string~',
  ],
  'apps.DeploymentList': ['metadata 1 meta.ListMeta~', 'items 2 []apps.Deployment'],
  'apps.DeploymentSpec': [
    'replicas 1 int32?~', 'selector 2 meta.LabelSelector?', 'template 3 core.PodTemplateSpec',
    'strategy 4 apps.DeploymentStrategy~', 'minReadySeconds 5 int32~', 'revisionHistoryLimit 6 int32?~', 'paused 7 bool~',
    'progressDeadlineSeconds 9 int32?~',
  ],
  'apps.DeploymentStatus': [
    'observedGeneration 1 int64~', 'replicas 2 int32~', 'updatedReplicas 3 int32~', 'readyReplicas 7 int32~',
    'availableReplicas 4 int32~', 'unavailableReplicas 5 int32~', 'terminatingReplicas 9 int32?~',
    'conditions 6 []apps.DeploymentCondition~', 'collisionCount 8 int32?~',
  ],
  'apps.DeploymentStrategy': ['type 1 string~', 'rollingUpdate 2 apps.RollingUpdateDeployment?~'],
  'apps.ReplicaSet': ['metadata 1 meta.ObjectMeta~', 'spec 2 apps.ReplicaSetSpec~', 'status 3 apps.ReplicaSetStatus~'],
  'apps.ReplicaSetCondition': [
    'type 1 string', 'status 2 string', 'lastTransitionTime 3 meta.Time~', 'reason 4 string~', 'message 5 string~',
  ],
  'apps.ReplicaSetList': ['metadata 1 meta.ListMeta~', 'items 2 []apps.ReplicaSet'],
  'apps.ReplicaSetSpec': [
    'replicas 1 int32?~', 'minReadySeconds 4 int32~', 'selector 2 meta.LabelSelector?', 'template 3 core.PodTemplateSpec~',
  ],
  'apps.ReplicaSetStatus': [
    'replicas 1 int32', 'fullyLabeledReplicas 2 int32~', 'readyReplicas 4 int32~', 'availableReplicas 5 int32~',
    'terminatingReplicas 7 int32?~', 'observedGeneration 3 int64~', 'conditions 6 []apps.ReplicaSetCondition~',
  ],
  'apps.RollingUpdateDaemonSet': ['maxUnavailable 1 intstr.IntOrString?~', 'maxSurge 2 intstr.IntOrString?~'],
  'apps.RollingUpdateDeployment': ['maxUnavailable 1 intstr.IntOrString?~', 'maxSurge 2 intstr.IntOrString?~'],
  'apps.RollingUpdateStatefulSetStrategy': ['partition 1 int32?~', 'maxUnavailable 2 intstr.IntOrString?~'],
  'apps.StatefulSet': ['metadata 1 meta.ObjectMeta~', 'spec 2 apps.StatefulSetSpec~', 'status 3 apps.StatefulSetStatus~'],
  'apps.StatefulSetCondition': [
    'type 1 string', 'status 2 string', 'lastTransitionTime 3 meta.Time~', 'reason 4 string~', 'message 5 string~',
  ],
  'apps.StatefulSetList': ['metadata 1 meta.ListMeta~', 'items 2 []apps.StatefulSet'],
  'apps.StatefulSetOrdinals': ['start 1 int32'],
  'apps.StatefulSetPersistentVolumeClaimRetentionPolicy': ['whenDeleted 1 string~', 'whenScaled 2 string~'],
  'apps.StatefulSetSpec': [
    'replicas 1 int32?~', 'selector 2 meta.LabelSelector?', 'template 3 core.PodTemplateSpec',
    'volumeClaimTemplates 4 []core.PersistentVolumeClaim~', 'serviceName 5 string', 'podManagementPolicy 6 string~',
    'updateStrategy 7 apps.StatefulSetUpdateStrategy~', 'revisionHistoryLimit 8 int32?~', 'minReadySeconds 9 int32~',
    'persistentVolumeClaimRetentionPolicy 10 apps.StatefulSetPersistentVolumeClaimRetentionPolicy?~',
    'ordinals 11 apps.StatefulSetOrdinals?~',
  ],
  'apps.StatefulSetStatus': [
    'observedGeneration 1 int64~', 'replicas 2 int32', 'readyReplicas 3 int32~', 'currentReplicas 4 int32~',
    'updatedReplicas 5 int32~', 'currentRevision 6 string~', 'updateRevision 7 string~', 'collisionCount 9 int32?~',
    'conditions 10 []apps.StatefulSetCondition~', 'availableReplicas 11 int32',
  ],
  'apps.StatefulSetUpdateStrategy': ['type 1 string~', 'rollingUpdate 2 apps.RollingUpdateStatefulSetStrategy?~'],

  // batch
  'batch.CronJob': ['metadata 1 meta.ObjectMeta~', 'spec 2 batch.CronJobSpec~', 'status 3 batch.CronJobStatus~'],
  'batch.CronJobList': ['metadata 1 meta.ListMeta~', 'items 2 []batch.CronJob'],
  'batch.CronJobSpec': [
    'schedule 1 string', 'timeZone 8 string?~', 'startingDeadlineSeconds 2 int64?~', 'concurrencyPolicy 3 string~',
    'suspend 4 bool?~', 'jobTemplate 5 batch.JobTemplateSpec', 'successfulJobsHistoryLimit 6 int32?~',
    'failedJobsHistoryLimit 7 int32?~',
  ],
  'batch.CronJobStatus': [
    'active 1 []core.ObjectReference~', 'lastScheduleTime 4 meta.Time?~', 'lastSuccessfulTime 5 meta.Time?~',
  ],
  'batch.Job': ['metadata 1 meta.ObjectMeta~', 'spec 2 batch.JobSpec~', 'status 3 batch.JobStatus~'],
  'batch.JobCondition': [
    'type 1 string', 'status 2 string', 'lastProbeTime 3 meta.Time~', 'lastTransitionTime 4 meta.Time~', 'reason 5 string~',
    'message 6 string~',
  ],
  'batch.JobList': ['metadata 1 meta.ListMeta~', 'items 2 []batch.Job'],
  'batch.JobSpec': [
    'parallelism 1 int32?~', 'completions 2 int32?~', 'activeDeadlineSeconds 3 int64?~',
    'podFailurePolicy 11 batch.PodFailurePolicy?~', 'successPolicy 16 batch.SuccessPolicy?~', 'backoffLimit 7 int32?~',
    'backoffLimitPerIndex 12 int32?~', 'maxFailedIndexes 13 int32?~', 'selector 4 meta.LabelSelector?~',
    'manualSelector 5 bool?~', 'template 6 core.PodTemplateSpec', 'ttlSecondsAfterFinished 8 int32?~',
    'completionMode 9 string?~', 'suspend 10 bool?~', 'podReplacementPolicy 14 string?~', 'managedBy 15 string?~',
  ],
  'batch.JobStatus': [
    'conditions 1 []batch.JobCondition~', 'startTime 2 meta.Time?~', 'completionTime 3 meta.Time?~', 'active 4 int32~',
    'succeeded 5 int32~', 'failed 6 int32~', 'terminating 11 int32?~', 'completedIndexes 7 string~', 'failedIndexes 10 string?~',
    'uncountedTerminatedPods 8 batch.UncountedTerminatedPods?~', 'ready 9 int32?~',
  ],
  'batch.JobTemplateSpec': ['metadata 1 meta.ObjectMeta~', 'spec 2 batch.JobSpec~'],
  'batch.PodFailurePolicy': ['rules 1 []batch.PodFailurePolicyRule'],
  'batch.PodFailurePolicyOnExitCodesRequirement': ['containerName 1 string?~', 'operator 2 string', 'values 3 []int32'],
  'batch.PodFailurePolicyOnPodConditionsPattern': ['type 1 string', 'status 2 string'],
  'batch.PodFailurePolicyRule': [
    'action 1 string', 'onExitCodes 2 batch.PodFailurePolicyOnExitCodesRequirement?~',
    'onPodConditions 3 []batch.PodFailurePolicyOnPodConditionsPattern~',
  ],
  'batch.SuccessPolicy': ['rules 1 []batch.SuccessPolicyRule'],
  'batch.SuccessPolicyRule': ['succeededIndexes 1 string?~', 'succeededCount 2 int32?~'],
  'batch.UncountedTerminatedPods': ['succeeded 1 []string~', 'failed 2 []string~'],

  // coordination
  'coordination.Lease': ['metadata 1 meta.ObjectMeta~', 'spec 2 coordination.LeaseSpec~'],
  'coordination.LeaseList': ['metadata 1 meta.ListMeta~', 'items 2 []coordination.Lease'],
  'coordination.LeaseSpec': [
    'holderIdentity 1 string?~', 'leaseDurationSeconds 2 int32?~', 'acquireTime 3 meta.MicroTime?~',
    'renewTime 4 meta.MicroTime?~', 'leaseTransitions 5 int32?~', 'strategy 6 string?~', 'preferredHolder 7 string?~',
  ],

  // discovery
  'discovery.Endpoint': [
    'addresses 1 []string', 'conditions 2 discovery.EndpointConditions~', 'hostname 3 string?~',
    'targetRef 4 core.ObjectReference?~', 'deprecatedTopology 5 {}string~', 'nodeName 6 string?~', 'zone 7 string?~',
    'hints 8 discovery.EndpointHints?~',
  ],
  'discovery.EndpointConditions': ['ready 1 bool?~', 'serving 2 bool?~', 'terminating 3 bool?~'],
  'discovery.EndpointHints': ['forZones 1 []discovery.ForZone~', 'forNodes 2 []discovery.ForNode~'],
  'discovery.EndpointPort': ['name 1 string?~', 'protocol 2 string?~', 'port 3 int32?~', 'appProtocol 4 string?~'],
  'discovery.EndpointSlice': [
    'metadata 1 meta.ObjectMeta~', 'addressType 4 string', 'endpoints 2 []discovery.Endpoint',
    'ports 3 []discovery.EndpointPort',
  ],
  'discovery.EndpointSliceList': ['metadata 1 meta.ListMeta~', 'items 2 []discovery.EndpointSlice'],
  'discovery.ForNode': ['name 1 string'],
  'discovery.ForZone': ['name 1 string'],

  // events
  'events.Event': [
    'metadata 1 meta.ObjectMeta', 'eventTime 2 meta.MicroTime', 'series 3 events.EventSeries?~', 'reportingController 4 string~',
    'reportingInstance 5 string~', 'action 6 string~', 'reason 7 string~', 'regarding 8 core.ObjectReference~',
    'related 9 core.ObjectReference?~', 'note 10 string~', 'type 11 string~', 'deprecatedSource 12 core.EventSource~',
    'deprecatedFirstTimestamp 13 meta.Time~', 'deprecatedLastTimestamp 14 meta.Time~', 'deprecatedCount 15 int32~',
  ],
  'events.EventList': ['metadata 1 meta.ListMeta~', 'items 2 []events.Event'],
  'events.EventSeries': ['count 1 int32', 'lastObservedTime 2 meta.MicroTime'],

  // rbac
  'rbac.AggregationRule': ['clusterRoleSelectors 1 []meta.LabelSelector~'],
  'rbac.ClusterRole': ['metadata 1 meta.ObjectMeta~', 'rules 2 []rbac.PolicyRule', 'aggregationRule 3 rbac.AggregationRule?~'],
  'rbac.ClusterRoleBinding': ['metadata 1 meta.ObjectMeta~', 'subjects 2 []rbac.Subject~', 'roleRef 3 rbac.RoleRef'],
  'rbac.ClusterRoleBindingList': ['metadata 1 meta.ListMeta~', 'items 2 []rbac.ClusterRoleBinding'],
  'rbac.ClusterRoleList': ['metadata 1 meta.ListMeta~', 'items 2 []rbac.ClusterRole'],
  'rbac.PolicyRule': [
    'verbs 1 []string', 'apiGroups 2 []string~', 'resources 3 []string~', 'resourceNames 4 []string~',
    'nonResourceURLs 5 []string~',
  ],
  'rbac.Role': ['metadata 1 meta.ObjectMeta~', 'rules 2 []rbac.PolicyRule'],
  'rbac.RoleBinding': ['metadata 1 meta.ObjectMeta~', 'subjects 2 []rbac.Subject~', 'roleRef 3 rbac.RoleRef'],
  'rbac.RoleBindingList': ['metadata 1 meta.ListMeta~', 'items 2 []rbac.RoleBinding'],
  'rbac.RoleList': ['metadata 1 meta.ListMeta~', 'items 2 []rbac.Role'],
  'rbac.RoleRef': ['apiGroup 1 string', 'kind 2 string', 'name 3 string'],
  'rbac.Subject': ['kind 1 string', 'apiGroup 2 string~', 'name 3 string', 'namespace 4 string~'],

  // scheduling
  'scheduling.PriorityClass': [
    'metadata 1 meta.ObjectMeta~', 'value 2 int32', 'globalDefault 3 bool~', 'description 4 string~',
    'preemptionPolicy 5 string?~',
  ],
  'scheduling.PriorityClassList': ['metadata 1 meta.ListMeta~', 'items 2 []scheduling.PriorityClass'],

  // autoscaling
  'autoscaling.CrossVersionObjectReference': ['kind 1 string', 'name 2 string', 'apiVersion 3 string~'],
  'autoscaling.HorizontalPodAutoscaler': [
    'metadata 1 meta.ObjectMeta~', 'spec 2 autoscaling.HorizontalPodAutoscalerSpec~',
    'status 3 autoscaling.HorizontalPodAutoscalerStatus~',
  ],
  'autoscaling.HorizontalPodAutoscalerList': ['metadata 1 meta.ListMeta~', 'items 2 []autoscaling.HorizontalPodAutoscaler'],
  'autoscaling.HorizontalPodAutoscalerSpec': [
    'scaleTargetRef 1 autoscaling.CrossVersionObjectReference', 'minReplicas 2 int32?~', 'maxReplicas 3 int32',
    'targetCPUUtilizationPercentage 4 int32?~',
  ],
  'autoscaling.HorizontalPodAutoscalerStatus': [
    'observedGeneration 1 int64?~', 'lastScaleTime 2 meta.Time?~', 'currentReplicas 3 int32', 'desiredReplicas 4 int32',
    'currentCPUUtilizationPercentage 5 int32?~',
  ],
  'autoscaling.Scale': ['metadata 1 meta.ObjectMeta~', 'spec 2 autoscaling.ScaleSpec~', 'status 3 autoscaling.ScaleStatus~'],
  'autoscaling.ScaleSpec': ['replicas 1 int32~'],
  'autoscaling.ScaleStatus': ['replicas 1 int32', 'selector 2 string~'],

  // policy
  'policy.Eviction': ['metadata 1 meta.ObjectMeta~', 'deleteOptions 2 meta.DeleteOptions?~'],
  'policy.PodDisruptionBudget': [
    'metadata 1 meta.ObjectMeta~', 'spec 2 policy.PodDisruptionBudgetSpec~', 'status 3 policy.PodDisruptionBudgetStatus~',
  ],
  'policy.PodDisruptionBudgetList': ['metadata 1 meta.ListMeta~', 'items 2 []policy.PodDisruptionBudget'],
  'policy.PodDisruptionBudgetSpec': [
    'minAvailable 1 intstr.IntOrString?~', 'selector 2 meta.LabelSelector?~', 'maxUnavailable 3 intstr.IntOrString?~',
    'unhealthyPodEvictionPolicy 4 string?~',
  ],
  'policy.PodDisruptionBudgetStatus': [
    'observedGeneration 1 int64~', 'disruptedPods 2 {}meta.Time~', 'disruptionsAllowed 3 int32', 'currentHealthy 4 int32',
    'desiredHealthy 5 int32', 'expectedPods 6 int32', 'conditions 7 []meta.Condition~',
  ],

  // authentication
  'authentication.BoundObjectReference': ['kind 1 string~', 'apiVersion 2 string~', 'name 3 string~', 'uid 4 string~'],
  'authentication.SelfSubjectReview': ['metadata 1 meta.ObjectMeta~', 'status 2 authentication.SelfSubjectReviewStatus~'],
  'authentication.SelfSubjectReviewStatus': ['userInfo 1 authentication.UserInfo~'],
  'authentication.TokenRequest': [
    'metadata 1 meta.ObjectMeta~', 'spec 2 authentication.TokenRequestSpec', 'status 3 authentication.TokenRequestStatus~',
  ],
  'authentication.TokenRequestSpec': [
    'audiences 1 []string', 'expirationSeconds 4 int64?', 'boundObjectRef 3 authentication.BoundObjectReference?',
  ],
  'authentication.TokenRequestStatus': ['token 1 string', 'expirationTimestamp 2 meta.Time'],
  'authentication.TokenReview': [
    'metadata 1 meta.ObjectMeta~', 'spec 2 authentication.TokenReviewSpec', 'status 3 authentication.TokenReviewStatus~',
  ],
  'authentication.TokenReviewSpec': ['token 1 string~', 'audiences 2 []string~'],
  'authentication.TokenReviewStatus': [
    'authenticated 1 bool~', 'user 2 authentication.UserInfo~', 'audiences 4 []string~', 'error 3 string~',
  ],
  'authentication.UserInfo': [
    'username 1 string~', 'uid 2 string~', 'groups 3 []string~', 'extra 4 {}authentication.ExtraValue~',
  ],

  // authorization
  'authorization.FieldSelectorAttributes': ['rawSelector 1 string~', 'requirements 2 []meta.FieldSelectorRequirement~'],
  'authorization.LabelSelectorAttributes': ['rawSelector 1 string~', 'requirements 2 []meta.LabelSelectorRequirement~'],
  'authorization.LocalSubjectAccessReview': [
    'metadata 1 meta.ObjectMeta~', 'spec 2 authorization.SubjectAccessReviewSpec',
    'status 3 authorization.SubjectAccessReviewStatus~',
  ],
  'authorization.NonResourceAttributes': ['path 1 string~', 'verb 2 string~'],
  'authorization.NonResourceRule': ['verbs 1 []string', 'nonResourceURLs 2 []string~'],
  'authorization.ResourceAttributes': [
    'namespace 1 string~', 'verb 2 string~', 'group 3 string~', 'version 4 string~', 'resource 5 string~',
    'subresource 6 string~', 'name 7 string~', 'fieldSelector 8 authorization.FieldSelectorAttributes?~',
    'labelSelector 9 authorization.LabelSelectorAttributes?~',
  ],
  'authorization.ResourceRule': [
    'verbs 1 []string', 'apiGroups 2 []string~', 'resources 3 []string~', 'resourceNames 4 []string~',
  ],
  'authorization.SelfSubjectAccessReview': [
    'metadata 1 meta.ObjectMeta~', 'spec 2 authorization.SelfSubjectAccessReviewSpec',
    'status 3 authorization.SubjectAccessReviewStatus~',
  ],
  'authorization.SelfSubjectAccessReviewSpec': [
    'resourceAttributes 1 authorization.ResourceAttributes?~', 'nonResourceAttributes 2 authorization.NonResourceAttributes?~',
  ],
  'authorization.SelfSubjectRulesReview': [
    'metadata 1 meta.ObjectMeta~', 'spec 2 authorization.SelfSubjectRulesReviewSpec',
    'status 3 authorization.SubjectRulesReviewStatus~',
  ],
  'authorization.SelfSubjectRulesReviewSpec': ['namespace 1 string~'],
  'authorization.SubjectAccessReview': [
    'metadata 1 meta.ObjectMeta~', 'spec 2 authorization.SubjectAccessReviewSpec',
    'status 3 authorization.SubjectAccessReviewStatus~',
  ],
  'authorization.SubjectAccessReviewSpec': [
    'resourceAttributes 1 authorization.ResourceAttributes?~', 'nonResourceAttributes 2 authorization.NonResourceAttributes?~',
    'user 3 string~', 'groups 4 []string~', 'extra 5 {}authorization.ExtraValue~', 'uid 6 string~',
  ],
  'authorization.SubjectAccessReviewStatus': [
    'allowed 1 bool', 'denied 4 bool~', 'reason 2 string~', 'evaluationError 3 string~',
  ],
  'authorization.SubjectRulesReviewStatus': [
    'resourceRules 1 []authorization.ResourceRule', 'nonResourceRules 2 []authorization.NonResourceRule', 'incomplete 3 bool',
    'evaluationError 4 string~',
  ],
};

/**
 * Messages whose JSON form is not an object. Wire layouts:
 *   time       meta.Time      {seconds = 1 int64, nanos = 2 int32}; empty = zero time = JSON null;
 *                             JSON "2006-01-02T15:04:05Z" (nanos dropped, as upstream)
 *   microtime  meta.MicroTime same wire; JSON "2006-01-02T15:04:05.000000Z"
 *   duration   meta.Duration  {duration = 1 int64 nanoseconds}; JSON Go duration string "1h2m3.5s"
 *   quantity   resource.Quantity {string = 1}; JSON the string; empty message = "0"
 *   intstr     intstr.IntOrString {type = 1 int64 (0 int, 1 string), intVal = 2 int32, strVal = 3 string}
 *   rawjson    runtime.RawExtension / meta.FieldsV1 {raw = 1 bytes}: the raw bytes are JSON (or a nested
 *              "k8s\0" protobuf object in a RawExtension)
 *   strings    meta.Verbs, authentication/authorization ExtraValue {items = 1 repeated string}; JSON array
 */
export type SpecialKind = 'time' | 'microtime' | 'duration' | 'quantity' | 'intstr' | 'rawjson' | 'strings';

export const SPECIAL_TYPES: Record<string, SpecialKind> = {
  'meta.Time': 'time',
  'meta.MicroTime': 'microtime',
  'meta.Duration': 'duration',
  'resource.Quantity': 'quantity',
  'intstr.IntOrString': 'intstr',
  'runtime.RawExtension': 'rawjson',
  'meta.FieldsV1': 'rawjson',
  'meta.Verbs': 'strings',
  'authentication.ExtraValue': 'strings',
  'authorization.ExtraValue': 'strings',
};

/** apiVersion → the package alias used in MESSAGES names. */
export const PACKAGES: Record<string, string> = {
  'v1': 'core',
  'apps/v1': 'apps',
  'batch/v1': 'batch',
  'coordination.k8s.io/v1': 'coordination',
  'discovery.k8s.io/v1': 'discovery',
  'events.k8s.io/v1': 'events',
  'rbac.authorization.k8s.io/v1': 'rbac',
  'scheduling.k8s.io/v1': 'scheduling',
  'autoscaling/v1': 'autoscaling',
  'policy/v1': 'policy',
  'authentication.k8s.io/v1': 'authentication',
  'authorization.k8s.io/v1': 'authorization',
  'meta.k8s.io/v1': 'meta',
};

/** apiVersion → kinds registered for it; the message is `${PACKAGES[apiVersion]}.${kind}`. */
export const KINDS: Record<string, readonly string[]> = {
  'v1': ['Binding', 'ComponentStatus', 'ComponentStatusList', 'ConfigMap', 'ConfigMapList', 'Endpoints', 'EndpointsList', 'Event', 'EventList', 'LimitRange', 'LimitRangeList', 'Namespace', 'NamespaceList', 'Node', 'NodeList', 'PersistentVolume', 'PersistentVolumeClaim', 'PersistentVolumeClaimList', 'PersistentVolumeList', 'Pod', 'PodList', 'PodStatusResult', 'PodTemplate', 'PodTemplateList', 'RangeAllocation', 'ReplicationController', 'ReplicationControllerList', 'ResourceQuota', 'ResourceQuotaList', 'Secret', 'SecretList', 'Service', 'ServiceAccount', 'ServiceAccountList', 'ServiceList'],
  'apps/v1': ['ControllerRevision', 'ControllerRevisionList', 'DaemonSet', 'DaemonSetList', 'Deployment', 'DeploymentList', 'ReplicaSet', 'ReplicaSetList', 'StatefulSet', 'StatefulSetList'],
  'batch/v1': ['CronJob', 'CronJobList', 'Job', 'JobList'],
  'coordination.k8s.io/v1': ['Lease', 'LeaseList'],
  'discovery.k8s.io/v1': ['EndpointSlice', 'EndpointSliceList'],
  'events.k8s.io/v1': ['Event', 'EventList'],
  'rbac.authorization.k8s.io/v1': ['ClusterRole', 'ClusterRoleBinding', 'ClusterRoleBindingList', 'ClusterRoleList', 'Role', 'RoleBinding', 'RoleBindingList', 'RoleList'],
  'scheduling.k8s.io/v1': ['PriorityClass', 'PriorityClassList'],
  'autoscaling/v1': ['HorizontalPodAutoscaler', 'HorizontalPodAutoscalerList', 'Scale'],
  'policy/v1': ['Eviction', 'PodDisruptionBudget', 'PodDisruptionBudgetList'],
  'authentication.k8s.io/v1': ['SelfSubjectReview', 'TokenRequest', 'TokenReview'],
  'authorization.k8s.io/v1': ['LocalSubjectAccessReview', 'SelfSubjectAccessReview', 'SelfSubjectRulesReview', 'SubjectAccessReview'],
  'meta.k8s.io/v1': ['PartialObjectMetadata', 'PartialObjectMetadataList'],
};

/** meta/v1 kinds every group version accepts (upstream AddToGroupVersion), e.g. a DeleteOptions body. */
export const META_KINDS: readonly string[] = ['DeleteOptions', 'CreateOptions', 'UpdateOptions', 'PatchOptions', 'GetOptions', 'ListOptions', 'Status', 'WatchEvent'];

// ---- compiled form --------------------------------------------------------------------------------

export type ScalarKind = 'string' | 'int32' | 'int64' | 'bool' | 'bytes' | 'double';

export interface FieldType {
  json: string;
  no: number;
  /** a scalar, or undefined for a message (msg) */
  scalar?: ScalarKind;
  msg?: MessageType;
  repeated: boolean;
  map: boolean;
  ptr: boolean;
  omitEmpty: boolean;
  inline: boolean;
  /** position in MessageType.fields */
  index: number;
}

export interface MessageType {
  name: string;
  special?: SpecialKind;
  /** in JSON (Go struct) order */
  fields: FieldType[];
  /** in field-number order: the order Go writes them */
  wireOrder: FieldType[];
  byNumber: Map<number, FieldType>;
}

const SCALARS = new Set<string>(['string', 'int32', 'int64', 'bool', 'bytes', 'double']);

/** Wire layouts of the special types, in the same notation (JSON names here are internal). */
const SPECIAL_LAYOUT: Record<SpecialKind, readonly string[]> = {
  time: ['seconds 1 int64', 'nanos 2 int32'],
  microtime: ['seconds 1 int64', 'nanos 2 int32'],
  duration: ['duration 1 int64'],
  quantity: ['string 1 string'],
  intstr: ['type 1 int64', 'intVal 2 int32', 'strVal 3 string'],
  rawjson: ['raw 1 bytes?'],
  strings: ['items 1 []string'],
};

const compiled = new Map<string, MessageType>();

/** The compiled message type by name ("core.Pod"); throws for a name not in the schema. */
export function messageType(name: string): MessageType {
  let t = compiled.get(name);
  if (t) return t;
  const special = SPECIAL_TYPES[name];
  const specs = special ? SPECIAL_LAYOUT[special] : MESSAGES[name];
  if (!specs) throw new Error(`protobuf schema: unknown message ${name}`);
  t = { name, special, fields: [], wireOrder: [], byNumber: new Map() };
  compiled.set(name, t); // before the fields: types may refer to each other
  for (const spec of specs) {
    const m = /^(\S+) (\d+) (\[\]|\{\})?([\w.]+)([?~^]*)$/.exec(spec);
    if (!m) throw new Error(`protobuf schema: bad field "${spec}" in ${name}`);
    const [, json, no, coll, type, flags] = m;
    const f: FieldType = {
      json,
      no: Number(no),
      repeated: coll === '[]',
      map: coll === '{}',
      ptr: flags.includes('?'),
      omitEmpty: flags.includes('~'),
      inline: flags.includes('^'),
      index: t.fields.length,
    };
    if (SCALARS.has(type)) f.scalar = type as ScalarKind;
    else f.msg = messageType(type);
    t.fields.push(f);
    t.byNumber.set(f.no, f);
  }
  t.wireOrder = [...t.fields].sort((a, b) => a.no - b.no);
  return t;
}

/** The message for a kind sent as `apiVersion`/`kind`, or undefined when not registered. */
export function messageForKind(apiVersion: string, kind: string): MessageType | undefined {
  const pkg = PACKAGES[apiVersion];
  if (pkg === undefined) return undefined;
  if (KINDS[apiVersion]?.includes(kind)) return messageType(`${pkg}.${kind}`);
  if (META_KINDS.includes(kind)) return messageType(`meta.${kind}`);
  return undefined;
}
