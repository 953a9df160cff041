/// The page's only script: sorting, filtering, opening linked runs. The page reads fine without it.
enum Script {
    static let js = """
    (function(){
    function cellValue(td,num){var v=td.getAttribute('data-value');if(v===null)v=td.textContent.trim();return num?parseFloat(v)||0:v.toLowerCase();}
    document.querySelectorAll('th[data-sort]').forEach(function(th){
      th.addEventListener('click',function(){
        var table=th.closest('table'),body=table.tBodies[0],idx=Array.prototype.indexOf.call(th.parentNode.children,th);
        var num=th.getAttribute('data-sort')==='num',asc=th.getAttribute('data-dir')!=='asc';
        th.parentNode.querySelectorAll('th').forEach(function(o){o.removeAttribute('data-dir');});
        th.setAttribute('data-dir',asc?'asc':'desc');
        var rows=Array.prototype.slice.call(body.rows);
        rows.sort(function(a,b){var x=cellValue(a.cells[idx],num),y=cellValue(b.cells[idx],num);return (x<y?-1:x>y?1:0)*(asc?1:-1);});
        rows.forEach(function(r){body.appendChild(r);});
      });
    });
    document.querySelectorAll('input[data-filter]').forEach(function(inp){
      inp.hidden=false;
      var table=document.getElementById(inp.getAttribute('data-filter'));
      inp.addEventListener('input',function(){
        var q=inp.value.toLowerCase();
        Array.prototype.forEach.call(table.tBodies[0].rows,function(r){r.hidden=q!==''&&r.textContent.toLowerCase().indexOf(q)<0;});
      });
    });
    function openHash(){
      if(!location.hash)return;
      var el=document.getElementById(decodeURIComponent(location.hash.slice(1)));
      while(el){if(el.tagName==='DETAILS')el.open=true;el=el.parentElement;}
    }
    window.addEventListener('hashchange',openHash);openHash();
    })();
    """
}
