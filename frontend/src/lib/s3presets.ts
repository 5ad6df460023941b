// Endpoint presets for S3 and S3-compatible stores: what each needs for
// endpoint, region and addressing, so a person only fills in their keys
// and bucket.
export interface S3Preset {
  id: string
  label: string
  endpoint: (region: string) => string
  region: string
  pathStyle: boolean
  checksumCompat: boolean
  hint: string
}

export const s3Presets: S3Preset[] = [
  {
    id: 'aws',
    label: 'Amazon S3',
    endpoint: () => '',
    region: 'us-east-1',
    pathStyle: false,
    checksumCompat: false,
    hint: 'Pick the region your bucket is in.',
  },
  {
    id: 'b2',
    label: 'Backblaze B2',
    endpoint: (r) => `https://s3.${r}.backblazeb2.com`,
    region: 'us-west-004',
    pathStyle: false,
    checksumCompat: true,
    hint: "The region is part of the bucket's S3 endpoint shown in B2's web console (e.g. us-west-004). Use an application key, not the master key.",
  },
  {
    id: 'wasabi',
    label: 'Wasabi',
    endpoint: (r) => `https://s3.${r}.wasabisys.com`,
    region: 'us-east-1',
    pathStyle: false,
    checksumCompat: true,
    hint: "Use the bucket's region, e.g. eu-central-1.",
  },
  {
    id: 'r2',
    label: 'Cloudflare R2',
    endpoint: () => 'https://ACCOUNT_ID.r2.cloudflarestorage.com',
    region: 'auto',
    pathStyle: true,
    checksumCompat: true,
    hint: 'Replace ACCOUNT_ID in the endpoint with your Cloudflare account id. The region is always "auto".',
  },
  {
    id: 'minio',
    label: 'MinIO',
    endpoint: () => 'http://127.0.0.1:9000',
    region: 'us-east-1',
    pathStyle: true,
    checksumCompat: true,
    hint: "Use your MinIO server's address and port.",
  },
  {
    id: 'other',
    label: 'Other S3-compatible store',
    endpoint: () => '',
    region: 'us-east-1',
    pathStyle: true,
    checksumCompat: true,
    hint: 'Ceph, Garage, SeaweedFS and others: enter the endpoint URL; most need path-style addressing.',
  },
]

// presetFor guesses the preset a saved destination was made with.
export function presetFor(endpoint: string | undefined): S3Preset {
  const e = endpoint ?? ''
  if (!e) return s3Presets[0]
  if (e.includes('backblazeb2.com')) return s3Presets[1]
  if (e.includes('wasabisys.com')) return s3Presets[2]
  if (e.includes('r2.cloudflarestorage.com')) return s3Presets[3]
  return s3Presets[5]
}
