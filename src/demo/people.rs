//! Cameras and people of the demo town: where they are, what they are called, what they
//! answer for. Every name, place, device code and phone number is made up.

use super::lattice::{Lattice, round7};
use super::regions::{Hierarchy, Region};
use super::rng::SplitMix64;
use crate::domain::{CameraKind, CameraStatus, GridCode, LonLat, NewWorker, Shift, WorkerRole};
use chrono::{DateTime, Utc};
use std::collections::{BTreeMap, BTreeSet};

/// Cameras in the town (雪亮工程).
pub(crate) const CAMERAS: usize = 472;
/// Prefix of every camera code: centre `32028210`, industry `00`, type `132` (network
/// camera) and network flag `0` of a GB/T 28181 device code; a 6-digit serial follows.
const CAMERA_CODE_PREFIX: &str = "32028210001320";
/// The thirteen town departments that send staff down into the grids.
pub(crate) const DEPARTMENTS: [&str; 13] = [
    "派出所",
    "司法所",
    "市场监管分局",
    "城管中队",
    "应急管理办",
    "生态环境办",
    "水利站",
    "自然资源所",
    "民政办",
    "人社所",
    "卫生院",
    "综治办",
    "农业农村局站",
];
/// Department staff assigned to comprehensive grids.
const DEPARTMENT_STAFF: usize = 67;
/// Volunteers per micro-grid.
const VOLUNTEERS_PER_MICRO_GRID: usize = 3;
/// When every known position was reported: 2026-11-01T08:00:00+08:00.
const POSITION_AT_UNIX: i64 = 1_793_491_200;
/// Places a camera may watch, appended to the village name.
const PLACES: [&str; 20] = [
    "村委会东侧",
    "村委会门口",
    "桥头",
    "学校门口",
    "路口",
    "菜场入口",
    "卫生室门口",
    "文化广场",
    "停车场",
    "公交站",
    "茶园路口",
    "水库大坝",
    "竹林道口",
    "景区入口",
    "加油站旁",
    "农贸市场",
    "幼儿园门口",
    "村口",
    "老街",
    "山道岔口",
];
/// Family names, common ones (and Yixing's 储, 史, 蒋) first.
const SURNAMES: [&str; 30] = [
    "王", "张", "陈", "周", "吴", "徐", "蒋", "史", "储", "任", "潘", "邵", "杨", "李", "朱", "沈",
    "许", "路", "范", "万", "汤", "钱", "陆", "顾", "胡", "孙", "马", "黄", "曹", "丁",
];
/// Characters of given names.
const GIVEN: [&str; 50] = [
    "建", "国", "伟", "明", "华", "军", "平", "芳", "丽", "敏", "静", "强", "磊", "洋", "勇", "艳",
    "杰", "娟", "涛", "超", "秀", "英", "霞", "刚", "燕", "红", "斌", "玲", "峰", "兰", "文", "辉",
    "鹏", "婷", "雪", "晨", "宇", "浩", "俊", "欣", "佳", "志", "春", "海", "林", "梅", "琴", "云",
    "亮", "卫",
];

/// Everyone and everything placed in the town.
#[derive(Debug, Clone)]
pub(crate) struct People {
    /// Cameras, by micro-grid code then serial.
    pub(crate) cameras: Vec<DemoCamera>,
    /// Grid chiefs, full-time workers, liaisons, volunteers, then department staff.
    pub(crate) workers: Vec<NewWorker>,
}

/// A camera as the demo's cameras file lists it; the import checks it like any other.
#[derive(Debug, Clone)]
pub(crate) struct DemoCamera {
    /// Registry code.
    pub(crate) code: String,
    /// Display name.
    pub(crate) name: String,
    /// Where it stands.
    pub(crate) location: LonLat,
    /// Bullet, dome or checkpoint.
    pub(crate) kind: CameraKind,
    /// RTSP address of the stream.
    pub(crate) stream_url: String,
    /// Online, offline or fault.
    pub(crate) status: CameraStatus,
}

/// Places the cameras and the staff.
pub(crate) fn generate(h: &Hierarchy) -> People {
    People {
        cameras: cameras(h),
        workers: workers(h),
    }
}

/// One camera in every micro-grid, the rest spread at random with some micro-grids
/// (village centres, crossroads) getting several times more.
fn cameras(h: &Hierarchy) -> Vec<DemoCamera> {
    let mut rng = SplitMix64::new(super::regions::SEED, 4);
    let micros = &h.levels[3];
    let weights: Vec<f64> = micros
        .iter()
        .map(|_| if rng.unit() < 0.2 { 4.0 } else { 1.0 })
        .collect();
    let total: f64 = weights.iter().sum();
    let mut counts = vec![1usize; micros.len()];
    for _ in micros.len()..CAMERAS {
        let mut x = rng.range(0.0, total);
        let i = weights
            .iter()
            .position(|w| {
                x -= w;
                x < 0.0
            })
            .unwrap_or(micros.len() - 1);
        counts[i] += 1;
    }
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut out = Vec::with_capacity(CAMERAS);
    for (m, &n) in micros.iter().zip(&counts) {
        let village = village_name(h, &m.grid.code);
        for _ in 0..n {
            let base = format!("{village}{}", rng.pick(&PLACES));
            let k = seen
                .entry(base.clone())
                .and_modify(|k| *k += 1)
                .or_insert(1);
            let name = if *k == 1 {
                base
            } else {
                format!("{base}（{k}）")
            };
            let code = format!("{CAMERA_CODE_PREFIX}{:06}", out.len() + 1);
            out.push(DemoCamera {
                stream_url: format!("rtsp://video.taihua.example/live/{code}"),
                code,
                name,
                location: lonlat(random_point(&h.lattice, m, &mut rng)),
                kind: pick_kind(rng.unit()),
                status: pick_status(rng.unit()),
            });
        }
    }
    out
}

/// Mostly bullet and dome cameras, some checkpoints.
fn pick_kind(u: f64) -> CameraKind {
    match u {
        u if u < 0.55 => CameraKind::Bullet,
        u if u < 0.85 => CameraKind::Dome,
        u if u < 0.93 => CameraKind::FaceCheckpoint,
        _ => CameraKind::VehicleCheckpoint,
    }
}

/// Mostly online, some offline, a few broken.
fn pick_status(u: f64) -> CameraStatus {
    match u {
        u if u < 0.90 => CameraStatus::Online,
        u if u < 0.975 => CameraStatus::Offline,
        _ => CameraStatus::Fault,
    }
}

/// Chiefs of the town and each village, then per grid its full-time worker, per
/// micro-grid its liaison and volunteers, and department staff over all grids.
fn workers(h: &Hierarchy) -> Vec<NewWorker> {
    let mut rng = SplitMix64::new(super::regions::SEED, 5);
    let mut names = BTreeSet::new();
    let mut out = Vec::new();
    let [towns, villages, grids, micros] = &h.levels;
    let mut add = |rng: &mut SplitMix64,
                   role: WorkerRole,
                   department: Option<&str>,
                   region: &Region,
                   duty: f64| {
        let on_duty = rng.unit() < duty;
        let known = on_duty || rng.unit() < 0.85;
        let position = known.then(|| lonlat(random_point(&h.lattice, region, rng)));
        out.push(NewWorker {
            name: person_name(rng, &mut names),
            role,
            department: department.map(str::to_owned),
            phone: format!("1390000{:04}", out.len() + 1),
            grid_codes: vec![region.grid.code.clone()],
            on_duty,
            position,
            position_at: position
                .and_then(|_| DateTime::<Utc>::from_timestamp(POSITION_AT_UNIX, 0)),
            shifts: shifts(role, out.len()),
        });
    };
    for r in towns.iter().chain(villages) {
        add(&mut rng, WorkerRole::GridChief, None, r, 0.8);
    }
    for g in grids {
        add(&mut rng, WorkerRole::FullTime, None, g, 0.92);
    }
    for m in micros {
        add(&mut rng, WorkerRole::Liaison, None, m, 0.85);
    }
    for m in micros {
        for _ in 0..VOLUNTEERS_PER_MICRO_GRID {
            add(&mut rng, WorkerRole::Volunteer, None, m, 0.55);
        }
    }
    for i in 0..DEPARTMENT_STAFF {
        let grid = &grids[i % grids.len().max(1)];
        add(
            &mut rng,
            WorkerRole::DepartmentStaff,
            Some(DEPARTMENTS[i % DEPARTMENTS.len()]),
            grid,
            0.7,
        );
    }
    out
}

/// Every day of the week, as weekday bits.
const EVERY_DAY: u8 = 0x7f;
/// Monday to Friday.
const WEEKDAYS: u8 = 0x1f;
/// Saturday and Sunday.
const WEEKEND: u8 = 0x60;

/// The weekly shifts of the `n`-th worker in `role`, China time. Liaisons alternate day
/// and night shifts, so between them every hour of every day is covered; full-time workers
/// cover long days, chiefs and department staff office hours, volunteers evenings and
/// weekends.
fn shifts(role: WorkerRole, n: usize) -> Vec<Shift> {
    let hours = |weekdays: u8, from: u16, to: u16| Shift::from_parts(weekdays, from * 60, to * 60);
    let shifts = match role {
        WorkerRole::GridChief | WorkerRole::DepartmentStaff => vec![hours(WEEKDAYS, 8, 18)],
        WorkerRole::FullTime if n % 2 == 0 => vec![hours(EVERY_DAY, 7, 19)],
        WorkerRole::FullTime => vec![hours(WEEKDAYS, 8, 20), hours(WEEKEND, 9, 17)],
        WorkerRole::Liaison if n % 2 == 0 => vec![hours(EVERY_DAY, 6, 18)],
        WorkerRole::Liaison => vec![hours(EVERY_DAY, 18, 6)],
        WorkerRole::Volunteer if n % 2 == 0 => vec![hours(WEEKEND, 8, 18)],
        WorkerRole::Volunteer => vec![hours(WEEKDAYS, 17, 22)],
    };
    shifts.into_iter().filter_map(Result::ok).collect()
}

/// A full name not used yet: a family name and one or two given-name characters.
fn person_name(rng: &mut SplitMix64, used: &mut BTreeSet<String>) -> String {
    loop {
        let mut name = (*rng.pick(&SURNAMES)).to_owned();
        name.push_str(rng.pick::<&str>(&GIVEN));
        if rng.unit() < 0.7 {
            name.push_str(rng.pick::<&str>(&GIVEN));
        }
        if used.insert(name.clone()) {
            return name;
        }
    }
}

/// The name of the village a grid code lies in (its first twelve digits).
fn village_name(h: &Hierarchy, code: &GridCode) -> String {
    h.levels[1]
        .iter()
        .find(|v| code.as_str().starts_with(v.grid.code.as_str()))
        .map_or_else(String::new, |v| v.grid.name.clone())
}

/// A random point well inside a random cell of the region: a convex combination of the
/// cell's corners with every weight at least 0.15/4 of the total, so it stays tens of
/// metres from the cell's edges; rounded to 1e-7 degrees.
pub(crate) fn random_point(lattice: &Lattice, region: &Region, rng: &mut SplitMix64) -> (f64, f64) {
    let cell = *rng.pick(&region.cells);
    let mut w = [0.0; 4];
    for x in &mut w {
        *x = rng.range(0.15, 1.0);
    }
    let sum: f64 = w.iter().sum();
    let (lon, lat) = lattice.blend(cell, w.map(|x| x / sum));
    (round7(lon), round7(lat))
}

/// A point already known to be in range.
fn lonlat((lon, lat): (f64, f64)) -> LonLat {
    LonLat::new(lon, lat).expect("demo coordinates lie in Jiangsu")
}
