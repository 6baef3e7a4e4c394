// The page's inline style and script: small, dependency-free, nothing fetched.

extension PostmortemPage {
    static let css = """
    body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222;background:#fff}
    h1{font-size:1.5em;margin:0 0 .5em}h2{font-size:1.2em;margin:1.4em 0 .4em;border-bottom:1px solid #ccc}
    h3{font-size:1em;margin:.8em 0 .3em}.note{color:#555;font-size:.9em;margin-left:.5em}
    table.data{border-collapse:collapse;font-size:12px;margin:.3em 0}
    table.data th,table.data td{border:1px solid #ddd;padding:2px 6px;text-align:left;white-space:nowrap}
    table.data th{background:#f2f2f2;cursor:pointer;user-select:none}
    table.data th.asc::after{content:" \\25B2"}table.data th.desc::after{content:" \\25BC"}
    table.data td[data-v]{text-align:right}.table-block{overflow-x:auto;margin-bottom:.5em}
    input.filter{margin:.2em 0}#timeline-svg{width:100%;height:auto;border:1px solid #ddd;background:#fcfcfc}
    .axis line{stroke:#e4e4e4;stroke-width:1}.axis text{font-size:10px;fill:#666;text-anchor:middle}
    .labels text{font:11px ui-monospace,monospace;fill:#333}.labels text.small{font-size:6.5px;fill:#777}
    .plot .hit{fill:transparent;cursor:crosshair}.plot line,.plot rect{vector-effect:non-scaling-stroke}
    .plot .place{stroke:#fff;stroke-width:.5}.plot line.migration{stroke:#b00;stroke-width:2}
    .plot line.move{stroke:#e80;stroke-width:2}.plot .policy-outage{fill:#c33}
    .plot .activity{fill:#8a8ad0}.plot .outage{fill:#d44}.plot .cause-retransmission,.plot .cause-duplicate-ack{fill:#e90}
    .plot .cause-unanswered-syn,.plot .cause-unanswered-arp{fill:#a3c}.plot .cause-icmp-unreachable{fill:#555}
    .plot line.cursor{stroke:#06c;stroke-width:1.5;stroke-dasharray:4 3}
    .legend .key{display:inline-block;width:12px;height:10px;margin:0 4px 0 12px;vertical-align:middle}
    .key.migration{background:#b00}.key.move{background:#e80}.key.policy-outage{background:#c33}.key.outage{background:#d44}
    .two{display:flex;gap:2em;flex-wrap:wrap}button{margin-right:.3em}footer{margin-top:2em;color:#777;font-size:.85em}
    @media print{.controls,input.filter,button{display:none}body{margin:0;font-size:10pt}
    table.data{font-size:8pt}.table-block{overflow:visible}section{break-inside:avoid-page}
    #timeline-svg{border:none}}
    """

    /// Sorting, filtering, zooming and the tables at an instant. Reads the embedded data only.
    static let script = """
    (function(){
    'use strict';
    function ms(s){var m=/^(\\d+)-(\\d+)-(\\d+)T(\\d+):(\\d+):(\\d+)(?:\\.(\\d+))?Z$/.exec(s);if(!m)return NaN;
    return Date.UTC(+m[1],m[2]-1,+m[3],+m[4],+m[5],+m[6])+(m[7]?Number('0.'+m[7])*1000:0);}
    var data={events:[]};try{data=JSON.parse(document.getElementById('roamcap-report').textContent);}catch(e){}
    document.querySelectorAll('table.data').forEach(function(t){
     t.querySelectorAll('th').forEach(function(th,i){th.addEventListener('click',function(){
      var asc=!th.classList.contains('asc');t.querySelectorAll('th').forEach(function(h){h.classList.remove('asc','desc');});
      th.classList.add(asc?'asc':'desc');var body=t.tBodies[0],rows=Array.prototype.slice.call(body.rows);
      rows.sort(function(a,b){var x=a.cells[i],y=b.cells[i];if(!x||!y)return 0;
       var u=x.getAttribute('data-v'),v=y.getAttribute('data-v'),r;
       if(u!==null&&v!==null)r=Number(u)-Number(v);else r=x.textContent.localeCompare(y.textContent);return asc?r:-r;});
      rows.forEach(function(r){body.appendChild(r);});});});});
    document.querySelectorAll('input.filter').forEach(function(f){f.addEventListener('input',function(){
     var t=document.getElementById(f.getAttribute('data-table')),q=f.value.toLowerCase();
     Array.prototype.forEach.call(t.tBodies[0].rows,function(r){
      r.style.display=r.textContent.toLowerCase().indexOf(q)<0?'none':'';});});});
    var svg=document.getElementById('timeline-svg');if(!svg)return;
    var plot=document.getElementById('plot'),axis=document.getElementById('axis');
    var first=ms(svg.getAttribute('data-first')),spanS=Number(svg.getAttribute('data-span-ns'))/1e9;
    var px0=Number(svg.getAttribute('data-plot-x')),pw=Number(svg.getAttribute('data-plot-width'));
    var H=plot.viewBox.baseVal.height,a=0,w=pw,NS='http'+'://www.w3.org/2000/svg';
    function nice(r){var p=Math.pow(10,Math.floor(Math.log10(r))),m=r/p;return (m<1.5?1:m<3.5?2:m<7.5?5:10)*p;}
    function draw(){plot.setAttribute('viewBox',a+' 0 '+w+' '+H);while(axis.firstChild)axis.removeChild(axis.firstChild);
     var s0=a/pw*spanS,s1=(a+w)/pw*spanS,step=nice((s1-s0)/10||1e-9);
     for(var s=Math.ceil(s0/step)*step;s<=s1+step*1e-6;s+=step){var x=px0+(s/spanS*pw-a)/w*pw;
      var l=document.createElementNS(NS,'line');l.setAttribute('x1',x);l.setAttribute('x2',x);l.setAttribute('y1',18);
      l.setAttribute('y2',H);axis.appendChild(l);var t=document.createElementNS(NS,'text');t.setAttribute('x',x);
      t.setAttribute('y',12);t.textContent=+s.toPrecision(6)+' s';axis.appendChild(t);}
     document.getElementById('window').textContent='showing '+(+s0.toPrecision(6))+' s to '+(+s1.toPrecision(6))+' s';}
    function zoom(f,c){var nw=Math.min(pw,Math.max(pw*1e-6,w*f));a=Math.min(pw-nw,Math.max(0,c-(c-a)*nw/w));w=nw;draw();}
    function unit(ev){var pt=svg.createSVGPoint();pt.x=ev.clientX;pt.y=ev.clientY;
     var p=pt.matrixTransform(svg.getScreenCTM().inverse());return a+(p.x-px0)/pw*w;}
    svg.addEventListener('wheel',function(ev){ev.preventDefault();zoom(ev.deltaY<0?0.8:1.25,unit(ev));},{passive:false});
    document.querySelectorAll('button[data-zoom]').forEach(function(b){b.addEventListener('click',function(){
     var k=b.getAttribute('data-zoom');if(k==='reset'){a=0;w=pw;draw();}else zoom(k==='in'?0.5:2,a+w/2);});});
    var drag=null;
    plot.addEventListener('mousedown',function(ev){drag={x:ev.clientX,u:unit(ev),a:a,moved:false};});
    window.addEventListener('mousemove',function(ev){if(!drag)return;var d=unit(ev)-drag.u;
     if(Math.abs(ev.clientX-drag.x)>3)drag.moved=true;if(drag.moved){a=Math.min(pw-w,Math.max(0,a-d));draw();}});
    window.addEventListener('mouseup',function(ev){if(drag&&!drag.moved)pick(unit(ev)/pw*spanS);drag=null;});
    var input=document.getElementById('instant-input');
    function place(p){return p?p.site+'/'+p.port:'';}
    function rows(id,list){var body=document.getElementById(id).tBodies[0];body.textContent='';
     list.forEach(function(r){var tr=document.createElement('tr');r.forEach(function(c){var td=document.createElement('td');
      td.textContent=c;tr.appendChild(td);});body.appendChild(tr);});}
    function pick(s){s=Math.max(0,Math.min(spanS,s));input.value=+s.toPrecision(9);var t=first+s*1000,mac={},arp={};
     var cx=s/spanS*pw,c=document.getElementById('cursor');c.setAttribute('x1',cx);c.setAttribute('x2',cx);
     for(var i=0;i<data.events.length;i++){var e=data.events[i];if(ms(e.time)>t)break;var seg=(e.segment?'vni ':'')+e.vlan;
      if(e.ip===undefined){var k=seg+' '+e.mac;if(e.event==='aged-out')delete mac[k];
       else if(e.to&&['new-station','moved','migration','flip-flop'].indexOf(e.event)>=0)mac[k]=[place(e.to),seg,e.mac,e.time];}
      else if(['new-station','changed-mac','flip-flop','duplicate-ip'].indexOf(e.event)>=0)arp[seg+' '+e.ip]=[seg,e.ip,e.mac,e.time];}
     function sorted(o){return Object.keys(o).sort().map(function(k){return o[k];});}
     rows('mac-at',sorted(mac));rows('arp-at',sorted(arp));
     document.getElementById('instant-time').textContent=new Date(t).toISOString();}
    input.addEventListener('change',function(){pick(Number(input.value)||0);});
    var at=/[#&]t=([0-9.]+)/.exec(location.hash);draw();pick(at?Number(at[1]):spanS);document.documentElement.setAttribute('data-roamcap-ready','1');
    })();
    """
}
